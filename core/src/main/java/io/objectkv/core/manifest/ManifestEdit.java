package io.objectkv.core.manifest;

import java.util.List;

/** One change to the set of objects. */
public sealed interface ManifestEdit {
  /** A group commit's new L0 object. */
  record AddL0(SstInfo sst) implements ManifestEdit {}

  /** Where a compaction's outputs go. */
  enum Level {
    /**
     * One object in place of a run of adjacent L0 objects (a tier merge: L0 stays few objects
     * without rewriting L1; docs/design.md, "Compaction").
     */
    L0,
    /** The sorted run, in place of the oldest L0 objects and the L1 objects they overlap. */
    L1
  }

  /**
   * A finished compaction. Into {@link Level#L1}: the oldest L0 objects and the L1 objects they
   * overlap replaced by new L1 objects. Into {@link Level#L0}: a run of adjacent L0 objects
   * replaced by one L0 object, in their place (no L1 inputs).
   */
  record Compaction(List<String> inputsL0, List<String> inputsL1, List<SstInfo> outputs, Level into)
      implements ManifestEdit {
    public Compaction {
      inputsL0 = List.copyOf(inputsL0);
      inputsL1 = List.copyOf(inputsL1);
      outputs = List.copyOf(outputs);
    }

    /** A compaction into L1, the common kind. */
    public Compaction(List<String> inputsL0, List<String> inputsL1, List<SstInfo> outputs) {
      this(inputsL0, inputsL1, outputs, Level.L1);
    }
  }
}
