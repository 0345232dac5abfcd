package io.objectkv.compactor.plan;

import java.time.Duration;

/**
 * When to compact and how big the results are (docs/design.md, "Compaction", has the formulas).
 *
 * <p>Into L1: a compaction rewrites every L1 object its L0 inputs overlap, so it waits until those
 * inputs are a fair fraction of what it rewrites. With ratio r, each byte of L1 is rewritten about
 * once per r of its size written again: a write amplification of about 1 + 1/r, whatever the
 * database's size. Bounds take over where the ratio would let L0 grow without end: the number of L0
 * objects a read consults, the bytes L0 holds, and the age of its oldest data.
 *
 * <p>Into L0: while L0 waits for the ratio, runs of {@code tierWidth} adjacent objects of one size
 * class (below {@code tierBaseBytes}, then each class {@code tierWidth} times the one before) are
 * merged into one, so L0 stays a few dozen objects however long it waits, and each byte is
 * rewritten once per class it climbs (about log base tierWidth of L0's bytes over the base). Inside
 * the first class a merged object stays in the class and is merged again with the next run, so the
 * base is kept small: objects far below it (one client's groups, a few hundred bytes) are rewritten
 * about base / (2 · tierWidth · their size) times before they leave it.
 *
 * @param minL0Objects compact into L1 no fewer L0 objects than this (unless they hold {@code
 *     tierBaseBytes})...
 * @param l0ToL1Ratio ...once their bytes are at least this fraction of the L1 bytes they overlap
 * @param maxL0Objects compact into L1 once L0 holds this many objects, whatever their size: the
 *     most objects a point read or scan consults in L0
 * @param maxL0Bytes compact into L1 once L0 holds this many bytes, whatever L1 holds (0: no bound)
 * @param maxL0Age compact into L1 once L0's oldest data is this old in log time (zero: no bound)
 * @param tierWidth merge this many adjacent L0 objects of one size class into one (0: never)
 * @param tierBaseBytes the first size class holds L0 objects below this size
 * @param maxL0PerJob at most this many L0 objects (the oldest) per compaction into L1
 * @param targetL1Bytes L1 output objects are cut at about this size
 */
public record CompactionPolicy(
    int minL0Objects,
    double l0ToL1Ratio,
    int maxL0Objects,
    long maxL0Bytes,
    Duration maxL0Age,
    int tierWidth,
    long tierBaseBytes,
    int maxL0PerJob,
    long targetL1Bytes) {
  public static final CompactionPolicy DEFAULT =
      new CompactionPolicy(8, 0.2, 64, 0, Duration.ofHours(6), 10, 16L << 10, 1024, 64L << 20);

  /** Compacts every L0 object into L1 as soon as it appears (tests of compaction itself). */
  public static CompactionPolicy eager(int maxL0PerJob, long targetL1Bytes) {
    return new CompactionPolicy(1, 0, 1, 0, Duration.ZERO, 0, 1, maxL0PerJob, targetL1Bytes);
  }

  public CompactionPolicy {
    if (minL0Objects < 1
        || maxL0Objects < minL0Objects
        || !(l0ToL1Ratio >= 0)
        || maxL0Bytes < 0
        || maxL0Age.isNegative()
        || (tierWidth != 0 && tierWidth < 2)
        || tierBaseBytes < 1
        || maxL0PerJob < 1
        || targetL1Bytes < 4096) {
      throw new IllegalArgumentException(
          "compaction policy out of bounds: need min L0 objects >= 1 (got "
              + minL0Objects
              + "), max L0 objects >= min L0 objects (got "
              + maxL0Objects
              + "), L0/L1 ratio >= 0 (got "
              + l0ToL1Ratio
              + "), max L0 bytes >= 0 (got "
              + maxL0Bytes
              + "), max L0 age >= 0 (got "
              + maxL0Age
              + "), tier width 0 or >= 2 (got "
              + tierWidth
              + "), tier base bytes >= 1 (got "
              + tierBaseBytes
              + "), L0 objects per job >= 1 (got "
              + maxL0PerJob
              + "), target L1 bytes >= 4096 (got "
              + targetL1Bytes
              + ")");
    }
  }

  /**
   * Whether an L0 object is small enough to be merged with any neighbour of the same smallness once
   * L0 is under pressure: the three lowest size classes (below 1.6 MiB by default), and one more
   * (below 16 MiB) while a compaction into L1 runs. L0 cannot drain into L1 then, and the writer's
   * slowdown makes its groups larger as L0 grows (a 2 s hold at 1,000 writes/s of 1 KiB is a 2 MB
   * group): with three classes, those were left alone and L0 passed the bound. Four at all times
   * held it, but at more than half again the write amplification (docs/design.md, "L0 slowdown").
   */
  boolean smallUnderPressure(long bytes, boolean intoL1Running) {
    return sizeClass(bytes) < (intoL1Running ? 4 : 3);
  }

  /** The size class of an L0 object: 0 below the base, then one more per factor of tierWidth. */
  int sizeClass(long bytes) {
    int c = 0;
    for (long bound = tierBaseBytes; bytes >= bound && c < 62; bound = multiply(bound)) {
      c++;
    }
    return c;
  }

  private long multiply(long bound) {
    return bound > Long.MAX_VALUE / Math.max(2, tierWidth)
        ? Long.MAX_VALUE
        : bound * Math.max(2, tierWidth);
  }
}
