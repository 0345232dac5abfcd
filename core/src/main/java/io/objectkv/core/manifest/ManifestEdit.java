package io.objectkv.core.manifest;

import java.util.List;

/** One change to the set of objects. */
public sealed interface ManifestEdit {
  /** A group commit's new L0 object. */
  record AddL0(SstInfo sst) implements ManifestEdit {}

  /**
   * A finished compaction: the oldest L0 objects and some L1 objects replaced by new L1 objects.
   */
  record Compaction(List<String> removedL0, List<String> removedL1, List<SstInfo> addedL1)
      implements ManifestEdit {
    public Compaction {
      removedL0 = List.copyOf(removedL0);
      removedL1 = List.copyOf(removedL1);
      addedL1 = List.copyOf(addedL1);
    }
  }
}
