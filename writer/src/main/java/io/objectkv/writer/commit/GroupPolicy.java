package io.objectkv.writer.commit;

import java.time.Duration;

/**
 * How the write log is cut into group commits, each one S3 PUT.
 *
 * <p>Light load wants a group to commit at once; heavy load wants few PUTs, since they are the cost
 * that grows with traffic. The hold does both: a group is held after the one before it in
 * proportion to how many records that one had, the full {@code maxDelay} once it had {@code
 * targetRecords}. A lone client is held a fraction of a millisecond; when records come in faster
 * than {@code targetRecords} per {@code maxDelay}, groups merge until each holds what arrives in
 * {@code maxDelay}, at least {@code targetRecords}. The hold feeds on group sizes, not on a
 * measured rate, so it does not swing with the latency it adds. Its proportional part may end early
 * once no more records come ({@link GroupCollector}): clients that wait for their answers cannot
 * make a group larger than their number, however long it is held.
 *
 * @param maxRecords at most this many log records per group (what a poll returns beyond it waits)
 * @param maxBytes at most this many bytes of records per group (a larger record stands alone)
 * @param targetRecords the records per S3 PUT wanted under heavy load
 * @param maxDelay longest a group keeps growing after its first record, and the longest hold
 * @param minInterval least time between the ends of two groups whatever the load (a full group does
 *     not wait): a hard cap on PUTs per second, paid in latency under light load
 * @param l0SlowdownObjects once L0 holds more objects than this, groups are held longer, the more
 *     objects the longer (0: never): each group adds an L0 object, and when the compactor falls
 *     behind, fewer and larger groups keep reads within bound at the price of latency, where
 *     stopping writes would be the alternative
 * @param l0StopObjects the hold reaches {@value #MAX_SLOWDOWN} max delays at this many L0 objects
 *     and is {@value #STALL} beyond: as near to a stop as the log allows (the compactor's bound;
 *     more than {@code l0SlowdownObjects}, ignored when that is 0)
 */
public record GroupPolicy(
    int maxRecords,
    long maxBytes,
    int targetRecords,
    Duration maxDelay,
    Duration minInterval,
    int l0SlowdownObjects,
    int l0StopObjects) {

  /**
   * Groups are held longer beyond this many L0 objects: half the compactor's default bound, where
   * its own pressure rule starts too. A later point (48) cut the p99 of writes at 64 clients, whose
   * L0 passes 32 for moments while the compactor keeps up, but let L0 reach more objects during a
   * long compaction into L1 (docs/design.md, "L0 slowdown").
   */
  public static final int L0_SLOWDOWN_OBJECTS = 32;

  /** The near stop beyond this many L0 objects: the compactor's default bound. */
  public static final int L0_STOP_OBJECTS = 64;

  public GroupPolicy(
      int maxRecords, long maxBytes, int targetRecords, Duration maxDelay, Duration minInterval) {
    this(
        maxRecords,
        maxBytes,
        targetRecords,
        maxDelay,
        minInterval,
        L0_SLOWDOWN_OBJECTS,
        L0_STOP_OBJECTS);
  }

  public GroupPolicy {
    if (l0SlowdownObjects < 0) {
      throw new IllegalArgumentException("l0SlowdownObjects must be >= 0: " + l0SlowdownObjects);
    }
    if (l0SlowdownObjects > 0 && l0StopObjects <= l0SlowdownObjects) {
      throw new IllegalArgumentException(
          "the L0 stop point must lie past the slowdown point: l0StopObjects="
              + l0StopObjects
              + " l0SlowdownObjects="
              + l0SlowdownObjects
              + " (raise the one or lower the other, or set the slowdown point to 0 to turn both"
              + " off)");
    }
    if (maxRecords < 1 || maxBytes < 1 || targetRecords < 1) {
      throw new IllegalArgumentException(
          "group bounds must be positive: maxRecords="
              + maxRecords
              + " maxBytes="
              + maxBytes
              + " targetRecords="
              + targetRecords);
    }
    if (maxDelay.isNegative() || minInterval.isNegative()) {
      throw new IllegalArgumentException(
          "group delays must not be negative: maxDelay="
              + maxDelay
              + " minInterval="
              + minInterval);
    }
  }

  /**
   * The target holds 0.025 ms per record of the group before. A target of 1,000 (0.25 ms) cost 64
   * and 256 clients 28-36% of their writes per second and saved a third to two thirds of the PUTs
   * (docs/design.md, "Group commit").
   */
  public static final GroupPolicy DEFAULT =
      new GroupPolicy(10_000, 16L << 20, 10_000, Duration.ofMillis(250), Duration.ZERO);

  /** The same with other delays (a zero max delay makes one poll a group). */
  public GroupPolicy withDelays(Duration maxDelay, Duration minInterval) {
    return new GroupPolicy(
        maxRecords,
        maxBytes,
        targetRecords,
        maxDelay,
        minInterval,
        l0SlowdownObjects,
        l0StopObjects);
  }

  /** The same with other slowdown and stop points (a slowdown point of 0: never slow down). */
  public GroupPolicy withL0Slowdown(int slowdownObjects, int stopObjects) {
    return new GroupPolicy(
        maxRecords, maxBytes, targetRecords, maxDelay, minInterval, slowdownObjects, stopObjects);
  }

  /** The hold at the stop point (the compactor's bound), in max delays: 2 s. */
  static final int MAX_SLOWDOWN = 8;

  /**
   * The hold past the stop point, in max delays (4 s): as near to stopping writes as the log allows
   * while writes still answer within the gateway's timeout. The writer cannot stop deciding: the
   * compactor's results reach it through the same log. A full group still goes at once.
   */
  static final int STALL = 16;

  /**
   * Least time from the end of a group of {@code previousRecords} to the end of the next, with
   * {@code l0Objects} in L0. Past the slowdown point the hold grows linearly to {@value
   * #MAX_SLOWDOWN} max delays at the stop point, and is {@value #STALL} max delays beyond: by
   * default 500 ms at 40 objects, 1 s at 48, 2 s at 64, 4 s from 65. Each group adds an L0 object,
   * so L0 grows at most one object per hold while the compactor catches up.
   */
  public long holdNanos(int previousRecords, int l0Objects) {
    long proportional =
        (long) (maxDelay.toNanos() * Math.min(1.0, previousRecords / (double) targetRecords));
    return Math.max(proportional, firmHoldNanos(l0Objects));
  }

  /**
   * The part of {@link #holdNanos} that a group waits out whatever arrives: the minimum interval
   * and the L0 slowdown. The rest, the hold in proportion to the group before, is there to let a
   * group grow, and may end early once records stop coming (see {@link GroupCollector}).
   */
  public long firmHoldNanos(int l0Objects) {
    long slowdown = 0;
    if (l0SlowdownObjects > 0 && l0Objects > l0StopObjects) {
      slowdown = maxDelay.toNanos() * STALL;
    } else if (l0SlowdownObjects > 0 && l0Objects > l0SlowdownObjects) {
      double over = (double) (l0Objects - l0SlowdownObjects) / (l0StopObjects - l0SlowdownObjects);
      slowdown = (long) (maxDelay.toNanos() * MAX_SLOWDOWN * over);
    }
    return Math.max(minInterval.toNanos(), slowdown);
  }
}
