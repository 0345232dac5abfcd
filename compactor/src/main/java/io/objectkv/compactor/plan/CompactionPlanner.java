package io.objectkv.compactor.plan;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the next compaction, a pure function of the manifest: the oldest L0 objects (a contiguous
 * prefix, so no newer version is merged below an older one that stays in L0) and every L1 object
 * overlapping their combined key range (so no older version of their keys stays behind a dropped
 * tombstone). It is due when those L0 objects are worth the L1 bytes they rewrite, or L0 reached a
 * bound (see {@link CompactionPolicy}).
 */
public final class CompactionPlanner {
  private CompactionPlanner() {}

  public static Optional<CompactionJob> plan(Manifest m, CompactionPolicy policy) {
    List<SstInfo> l0 = m.l0();
    if (l0.size() < policy.minL0Objects() && m.l0Bytes() < policy.maxL0Bytes()) {
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
    boolean due =
        chosenBytes >= policy.l0ToL1Ratio() * overlappingBytes
            || l0.size() >= policy.maxL0Objects()
            || m.l0Bytes() >= policy.maxL0Bytes();
    return due ? Optional.of(new CompactionJob(m.id(), chosen, overlapping)) : Optional.empty();
  }
}
