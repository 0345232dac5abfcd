package io.objectkv.compactor.plan;

import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import java.util.List;

/**
 * One compaction. Into L1: the oldest L0 objects and the L1 objects whose key ranges overlap
 * theirs. Into L0: a run of adjacent L0 objects, merged into one that takes their place.
 *
 * @param basedOn the manifest version it was planned from
 */
public record CompactionJob(
    long basedOn, List<SstInfo> l0, List<SstInfo> l1, ManifestEdit.Level into) {
  public CompactionJob {
    l0 = List.copyOf(l0);
    l1 = List.copyOf(l1);
    if (into == ManifestEdit.Level.L0 && !l1.isEmpty()) {
      throw new IllegalArgumentException("a compaction into L0 has no L1 inputs");
    }
  }

  public long inputBytes() {
    return l0.stream().mapToLong(SstInfo::sizeBytes).sum()
        + l1.stream().mapToLong(SstInfo::sizeBytes).sum();
  }
}
