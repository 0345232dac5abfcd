package io.objectkv.compactor.plan;

/**
 * When to compact and how big the results are. A compaction rewrites every L1 object its L0 inputs
 * overlap, so it is worth its cost once those inputs are a fair fraction of what it rewrites: with
 * ratio r, each byte of L1 is rewritten about once per r of its size written again, a write
 * amplification of about 1 + 1/r, whatever the database's size. Two bounds take over where the
 * ratio would let L0 grow: the number of L0 objects a read consults, and the bytes L0 holds.
 *
 * @param minL0Objects compact no fewer L0 objects than this (none due before)...
 * @param l0ToL1Ratio ...once their bytes are at least this fraction of the L1 bytes they overlap
 * @param maxL0Objects compact once L0 holds this many objects, whatever their size: the most
 *     objects a point read or scan consults in L0
 * @param maxL0Bytes compact once L0 holds this many bytes, whatever L1 holds
 * @param maxL0PerJob at most this many L0 objects (the oldest) per compaction
 * @param targetL1Bytes output objects are cut at about this size
 */
public record CompactionPolicy(
    int minL0Objects,
    double l0ToL1Ratio,
    int maxL0Objects,
    long maxL0Bytes,
    int maxL0PerJob,
    long targetL1Bytes) {
  public static final CompactionPolicy DEFAULT =
      new CompactionPolicy(8, 0.1, 64, 64L << 20, 1024, 64L << 20);

  /** Compacts every L0 object as soon as it appears (tests of compaction itself). */
  public static CompactionPolicy eager(int maxL0PerJob, long targetL1Bytes) {
    return new CompactionPolicy(1, 0, 1, 1, maxL0PerJob, targetL1Bytes);
  }

  public CompactionPolicy {
    if (minL0Objects < 1
        || maxL0Objects < minL0Objects
        || !(l0ToL1Ratio >= 0)
        || maxL0Bytes < 1
        || maxL0PerJob < 1
        || targetL1Bytes < 4096) {
      throw new IllegalArgumentException(
          "compaction policy out of bounds: need min L0 objects >= 1 (got "
              + minL0Objects
              + "), max L0 objects >= min L0 objects (got "
              + maxL0Objects
              + "), L0/L1 ratio >= 0 (got "
              + l0ToL1Ratio
              + "), max L0 bytes >= 1 (got "
              + maxL0Bytes
              + "), L0 objects per job >= 1 (got "
              + maxL0PerJob
              + "), target L1 bytes >= 4096 (got "
              + targetL1Bytes
              + ")");
    }
  }
}
