package io.objectkv.core.manifest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The set of SST objects that make up the database at one point of the log.
 *
 * @param id the manifest version: 0 is the empty database, each delta adds one
 * @param writerEpoch the epoch of the writer that wrote the newest delta
 * @param appliedVersion the newest log offset whose batch is reflected here (-1: none)
 * @param logTimeMillis the log time of that record: the largest write-log timestamp applied (0:
 *     none). The writer decides deadlines, request-id retention and compaction age from it, never
 *     from its own clock, so every replay decides the same
 * @param l0 L0 objects, oldest first; their version ranges ascend and do not overlap
 * @param l1 the L1 sorted run, in key order; key ranges do not overlap
 */
public record Manifest(
    long id,
    long writerEpoch,
    long appliedVersion,
    long logTimeMillis,
    List<SstInfo> l0,
    List<SstInfo> l1) {
  public static final Manifest EMPTY = new Manifest(0, 0, -1, 0, List.of(), List.of());

  public Manifest {
    l0 = List.copyOf(l0);
    l1 = List.copyOf(l1);
  }

  /** Applies a delta, checking the invariants of the result. */
  public Manifest apply(ManifestDelta delta) {
    Manifest edited = withEdits(delta.edits());
    Manifest next =
        new Manifest(
            delta.id(),
            delta.writerEpoch(),
            delta.appliedVersion(),
            delta.logTimeMillis(),
            edited.l0,
            edited.l1);
    ManifestInvariants.check(this, delta, next);
    return next;
  }

  /** The same manifest claimed by the writer of {@code epoch} (see {@link WriterFence}). */
  public Manifest withWriterEpoch(long epoch) {
    return new Manifest(id, epoch, appliedVersion, logTimeMillis, l0, l1);
  }

  /** The object lists after {@code edits}, with this manifest's id and versions: no checks. */
  public Manifest withEdits(List<ManifestEdit> edits) {
    List<SstInfo> newL0 = new ArrayList<>(l0);
    List<SstInfo> newL1 = new ArrayList<>(l1);
    for (ManifestEdit edit : edits) {
      switch (edit) {
        case ManifestEdit.AddL0 add -> newL0.add(add.sst());
        case ManifestEdit.Compaction c -> {
          Set<String> inputsL0 = new HashSet<>(c.inputsL0());
          Set<String> inputsL1 = new HashSet<>(c.inputsL1());
          int at = firstIndexOf(newL0, inputsL0);
          newL0.removeIf(s -> inputsL0.contains(s.key()));
          newL1.removeIf(s -> inputsL1.contains(s.key()));
          switch (c.into()) {
            case L0 -> newL0.addAll(at < 0 ? newL0.size() : at, c.outputs());
            case L1 -> {
              newL1.addAll(c.outputs());
              newL1.sort((a, b) -> Arrays.compareUnsigned(a.minKey(), b.minKey()));
            }
          }
        }
      }
    }
    return new Manifest(id, writerEpoch, appliedVersion, logTimeMillis, newL0, newL1);
  }

  /**
   * Whether a compaction can apply to this manifest: its inputs are all present, its L0 inputs are
   * the oldest L0 objects (into L1) or adjacent ones (into L0), its outputs are new, and the result
   * keeps every invariant (so a compaction accepted here can never make {@link #apply} throw).
   */
  public boolean accepts(ManifestEdit.Compaction c) {
    if (!containsAll(c.inputsL0(), c.inputsL1())) {
      return false;
    }
    // Into L1: the oldest L0 objects, or a newer version would land below an older one left in L0.
    // Into L0: a run of adjacent objects and one output in their place, which then holds exactly
    // the versions between its neighbours'.
    int from =
        switch (c.into()) {
          case L1 -> 0;
          case L0 ->
              c.inputsL1().isEmpty() && c.outputs().size() == 1
                  ? firstIndexOf(l0, new HashSet<>(c.inputsL0()))
                  : -1;
        };
    if (from < 0 || from + c.inputsL0().size() > l0.size()) {
      return false;
    }
    List<String> run =
        l0.subList(from, from + c.inputsL0().size()).stream().map(SstInfo::key).toList();
    if (!new HashSet<>(run).equals(new HashSet<>(c.inputsL0()))) {
      return false;
    }
    Set<String> present = objectKeys();
    if (c.outputs().stream().anyMatch(s -> present.contains(s.key()))) {
      return false; // an output already live would be listed twice, or removed by its own edit
    }
    Manifest result = withEdits(List.of(c));
    return ManifestInvariants.isSortedRun(result.l1) && ManifestInvariants.holds(result);
  }

  /** The position of the first object of {@code run} named in {@code keys}, or -1. */
  private static int firstIndexOf(List<SstInfo> run, Set<String> keys) {
    for (int i = 0; i < run.size(); i++) {
      if (keys.contains(run.get(i).key())) {
        return i;
      }
    }
    return -1;
  }

  /** Whether every object named is still part of this manifest. */
  public boolean containsAll(List<String> l0Keys, List<String> l1Keys) {
    Set<String> present0 = new HashSet<>();
    l0.forEach(s -> present0.add(s.key()));
    Set<String> present1 = new HashSet<>();
    l1.forEach(s -> present1.add(s.key()));
    return present0.containsAll(l0Keys) && present1.containsAll(l1Keys);
  }

  public long l0Bytes() {
    return l0.stream().mapToLong(SstInfo::sizeBytes).sum();
  }

  public long l1Bytes() {
    return l1.stream().mapToLong(SstInfo::sizeBytes).sum();
  }

  /** Every object key this manifest references. */
  public Set<String> objectKeys() {
    Set<String> keys = new HashSet<>();
    l0.forEach(s -> keys.add(s.key()));
    l1.forEach(s -> keys.add(s.key()));
    return keys;
  }
}
