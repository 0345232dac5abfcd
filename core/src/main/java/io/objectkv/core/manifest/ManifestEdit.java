package io.objectkv.core.manifest;

import java.util.List;

/** One change to the set of objects. */
public sealed interface ManifestEdit {
  /** A group commit's new L0 object. */
  record AddL0(SstInfo sst) implements ManifestEdit {}

  /**
   * A finished compaction: the oldest L0 objects and some L1 objects replaced by new L1 objects.
   */
  record Compaction(List<String> inputsL0, List<String> inputsL1, List<SstInfo> outputs)
      implements ManifestEdit {
    public Compaction {
      inputsL0 = List.copyOf(inputsL0);
      inputsL1 = List.copyOf(inputsL1);
      outputs = List.copyOf(outputs);
    }
  }
}
