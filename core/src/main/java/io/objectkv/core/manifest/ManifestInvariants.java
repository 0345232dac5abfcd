package io.objectkv.core.manifest;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules every manifest transition obeys, checked before a delta or snapshot is published and
 * again when one is applied. A violation is a bug or a corrupt log; nothing proceeds past it.
 */
public final class ManifestInvariants {
  private ManifestInvariants() {}

  /** Thrown when a transition would break an invariant. */
  public static final class Violation extends IllegalStateException {
    Violation(String message) {
      super(message);
    }
  }

  private static void require(boolean ok, String what, ManifestDelta delta) {
    if (!ok) {
      throw new Violation("manifest invariant violated by delta " + delta.id() + ": " + what);
    }
  }

  public static void check(Manifest prev, ManifestDelta delta, Manifest next) {
    require(next.id() == prev.id() + 1, "id " + next.id() + " does not follow " + prev.id(), delta);
    require(
        next.appliedVersion() >= prev.appliedVersion(),
        "applied version went back from " + prev.appliedVersion() + " to " + next.appliedVersion(),
        delta);
    require(
        next.writerEpoch() >= prev.writerEpoch(),
        "writer epoch went back from " + prev.writerEpoch() + " to " + next.writerEpoch(),
        delta);
    require(
        next.logTimeMillis() >= prev.logTimeMillis(),
        "log time went back from " + prev.logTimeMillis() + " to " + next.logTimeMillis(),
        delta);
    for (RequestRecord r : delta.requests()) {
      require(
          r.decidedAtMillis() <= delta.logTimeMillis(),
          "request " + r.requestId() + " decided after the delta's log time",
          delta);
    }
    Manifest working = prev;
    for (ManifestEdit edit : delta.edits()) {
      if (edit instanceof ManifestEdit.Compaction c) {
        // Compaction into L1 must take the oldest L0 objects (a newer one merged below an older
        // one would be shadowed by it), and into L0 adjacent ones.
        require(
            working.accepts(c),
            "compaction into "
                + c.into()
                + " does not fit the manifest: L0 inputs not the oldest (into L1) or not adjacent"
                + " (into L0), inputs missing, or outputs overlapping",
            delta);
      }
      working = working.withEdits(List.of(edit));
    }
    check(next);
  }

  /** Whether the objects are non-empty, in key order, with key ranges that do not overlap. */
  public static boolean isSortedRun(List<SstInfo> run) {
    for (int i = 0; i < run.size(); i++) {
      if (run.get(i).isEmpty()
          || (i > 0 && Arrays.compareUnsigned(run.get(i - 1).maxKey(), run.get(i).minKey()) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@link #check(Manifest)} passes. */
  public static boolean holds(Manifest m) {
    try {
      check(m);
      return true;
    } catch (Violation e) {
      return false;
    }
  }

  /** The invariants of one manifest on its own. */
  public static void check(Manifest m) {
    ManifestDelta at =
        new ManifestDelta(
            m.id(), m.writerEpoch(), m.appliedVersion(), m.logTimeMillis(), List.of(), List.of());
    Set<String> keys = new HashSet<>();
    long previousMax = -1;
    for (SstInfo s : m.l0()) {
      require(keys.add(s.key()), "object " + s.key() + " listed twice", at);
      require(!s.isEmpty(), "empty L0 object " + s.key(), at);
      require(s.minVersion() > previousMax, "L0 versions overlap at " + s.key(), at);
      require(
          s.maxVersion() <= m.appliedVersion(),
          "L0 object " + s.key() + " is newer than the applied version",
          at);
      previousMax = s.maxVersion();
    }
    SstInfo previous = null;
    for (SstInfo s : m.l1()) {
      require(keys.add(s.key()), "object " + s.key() + " listed twice", at);
      require(!s.isEmpty(), "empty L1 object " + s.key(), at);
      require(
          s.maxVersion() <= m.appliedVersion(),
          "L1 object " + s.key() + " is newer than the applied version",
          at);
      require(
          previous == null || Arrays.compareUnsigned(previous.maxKey(), s.minKey()) < 0,
          "L1 key ranges overlap at " + s.key(),
          at);
      previous = s;
    }
  }
}
