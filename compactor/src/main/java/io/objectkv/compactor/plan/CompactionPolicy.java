package io.objectkv.compactor.plan;

/**
 * When to compact and how big the results are.
 *
 * @param minL0Objects compact once L0 holds this many objects...
 * @param minL0Bytes ...or this many bytes
 * @param maxL0PerJob at most this many L0 objects (the oldest) per compaction
 * @param targetL1Bytes output objects are cut at about this size
 */
public record CompactionPolicy(
    int minL0Objects, long minL0Bytes, int maxL0PerJob, long targetL1Bytes) {
  public static final CompactionPolicy DEFAULT =
      new CompactionPolicy(8, 64L << 20, 1024, 64L << 20);

  public CompactionPolicy {
    if (minL0Objects < 1 || maxL0PerJob < 1 || targetL1Bytes < 4096) {
      throw new IllegalArgumentException("bad compaction policy " + this);
    }
  }
}
