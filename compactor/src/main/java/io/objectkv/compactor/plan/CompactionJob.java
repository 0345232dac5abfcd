package io.objectkv.compactor.plan;

import io.objectkv.core.manifest.SstInfo;
import java.util.List;

/**
 * One compaction: the oldest L0 objects, and the L1 objects whose key ranges overlap theirs.
 *
 * @param basedOn the manifest version it was planned from
 */
public record CompactionJob(long basedOn, List<SstInfo> l0, List<SstInfo> l1) {
  public CompactionJob {
    l0 = List.copyOf(l0);
    l1 = List.copyOf(l1);
  }

  public long inputBytes() {
    return l0.stream().mapToLong(SstInfo::sizeBytes).sum()
        + l1.stream().mapToLong(SstInfo::sizeBytes).sum();
  }
}
