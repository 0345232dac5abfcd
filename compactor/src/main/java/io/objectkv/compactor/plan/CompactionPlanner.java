package io.objectkv.compactor.plan;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Chooses the next compaction, a pure function of the manifest and the age of L0's oldest data (see
 * {@link CompactionPolicy}).
 *
 * <p>Into L1 first, when due: the oldest L0 objects (a contiguous prefix, so no newer version is
 * merged below an older one that stays in L0) and every L1 object overlapping their combined key
 * range (so no older version of their keys stays behind a dropped tombstone). Otherwise a tier
 * merge into L0: the longest run of {@code tierWidth} or more adjacent objects of one size class
 * (two or more once L0 holds half its bound of objects).
 */
public final class CompactionPlanner {
  private CompactionPlanner() {}

  /**
   * @param oldestL0Millis the log time at which L0's oldest data was committed (ignored when L0 is
   *     empty); its age is judged against the manifest's log time
   */
  public static Optional<CompactionJob> plan(
      Manifest m, CompactionPolicy policy, long oldestL0Millis) {
    return intoL1(m, policy, oldestL0Millis).or(() -> intoL0(m, policy, Set.of(), false));
  }

  /** A compaction into L1, if one is due. */
  public static Optional<CompactionJob> intoL1(
      Manifest m, CompactionPolicy policy, long oldestL0Millis) {
    List<SstInfo> l0 = m.l0();
    if (l0.isEmpty()) {
      return Optional.empty();
    }
    long l0Bytes = m.l0Bytes();
    boolean bounded =
        l0.size() >= policy.maxL0Objects()
            || (policy.maxL0Bytes() > 0 && l0Bytes >= policy.maxL0Bytes())
            || (policy.maxL0Age().isPositive()
                && m.logTimeMillis() - oldestL0Millis >= policy.maxL0Age().toMillis());
    boolean enough = l0.size() >= policy.minL0Objects() || l0Bytes >= policy.tierBaseBytes();
    if (!bounded && !enough) {
      return Optional.empty();
    }
    List<SstInfo> chosen = l0.subList(0, Math.min(l0.size(), policy.maxL0PerJob()));
    byte[] min = chosen.getFirst().minKey();
    byte[] max = chosen.getFirst().maxKey();
    long chosenBytes = 0;
    for (SstInfo s : chosen) {
      min = Arrays.compareUnsigned(s.minKey(), min) < 0 ? s.minKey() : min;
      max = Arrays.compareUnsigned(s.maxKey(), max) > 0 ? s.maxKey() : max;
      chosenBytes += s.sizeBytes();
    }
    byte[] lo = min;
    byte[] hi = max;
    List<SstInfo> overlapping =
        m.l1().stream()
            .filter(
                s ->
                    Arrays.compareUnsigned(s.maxKey(), lo) >= 0
                        && Arrays.compareUnsigned(s.minKey(), hi) <= 0)
            .toList();
    long overlappingBytes = overlapping.stream().mapToLong(SstInfo::sizeBytes).sum();
    boolean due = bounded || chosenBytes >= policy.l0ToL1Ratio() * overlappingBytes;
    return due
        ? Optional.of(new CompactionJob(m.id(), chosen, overlapping, ManifestEdit.Level.L1))
        : Optional.empty();
  }

  /**
   * A tier merge among the L0 objects not {@code busy} (inputs of compactions running: a busy
   * object ends a run), if one is due; {@code intoL1Running} says whether one of those compactions
   * goes into L1.
   */
  public static Optional<CompactionJob> intoL0(
      Manifest m, CompactionPolicy policy, Set<String> busy, boolean intoL1Running) {
    List<SstInfo> l0 = m.l0();
    if (policy.tierWidth() == 0) {
      return Optional.empty();
    }
    // Under pressure (L0 at half its bound: groups arrive faster than a long compaction into L1
    // takes them), the longest run of small objects (the three lowest size classes, four while a
    // compaction into L1 runs: see CompactionPolicy.smallUnderPressure) is merged
    // whatever their classes: one merge then takes many objects out of L0, at the price of a few
    // more rewrites of small ones. Otherwise runs of one size class, the longest one wide enough
    // (the newest of equals): the newest run alone would starve older classes, since new groups
    // always make one.
    boolean pressure = l0.size() >= policy.maxL0Objects() / 2;
    int width = pressure ? 2 : policy.tierWidth();
    int bestStart = -1;
    int bestEnd = -1;
    int end = l0.size();
    while (end > 0) {
      SstInfo last = l0.get(end - 1);
      if (busy.contains(last.key())
          || (pressure && !policy.smallUnderPressure(last.sizeBytes(), intoL1Running))) {
        end--;
        continue;
      }
      int sizeClass = policy.sizeClass(last.sizeBytes());
      int start = end - 1;
      while (start > 0
          && !busy.contains(l0.get(start - 1).key())
          && (pressure
              ? policy.smallUnderPressure(l0.get(start - 1).sizeBytes(), intoL1Running)
              : policy.sizeClass(l0.get(start - 1).sizeBytes()) == sizeClass)) {
        start--;
      }
      if (end - start >= width && end - start > bestEnd - bestStart) {
        bestStart = start;
        bestEnd = end;
      }
      end = start;
    }
    if (bestStart >= 0) {
      int from = Math.max(bestStart, bestEnd - policy.maxL0PerJob());
      return Optional.of(
          new CompactionJob(m.id(), l0.subList(from, bestEnd), List.of(), ManifestEdit.Level.L0));
    }
    return Optional.empty();
  }
}
