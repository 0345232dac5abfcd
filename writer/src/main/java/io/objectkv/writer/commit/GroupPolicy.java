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
 * measured rate, so it does not swing with the latency it adds.
 *
 * @param maxRecords at most this many log records per group (what a poll returns beyond it waits)
 * @param maxBytes at most this many bytes of records per group (a larger record stands alone)
 * @param targetRecords the records per S3 PUT wanted under heavy load
 * @param maxDelay longest a group keeps growing after its first record, and the longest hold
 * @param minInterval least time between the ends of two groups whatever the load (a full group does
 *     not wait): a hard cap on PUTs per second, paid in latency under light load
 */
public record GroupPolicy(
    int maxRecords, long maxBytes, int targetRecords, Duration maxDelay, Duration minInterval) {

  public GroupPolicy {
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

  public static final GroupPolicy DEFAULT =
      new GroupPolicy(10_000, 16L << 20, 1_000, Duration.ofMillis(250), Duration.ZERO);

  /** The same with other delays (a zero max delay makes one poll a group). */
  public GroupPolicy withDelays(Duration maxDelay, Duration minInterval) {
    return new GroupPolicy(maxRecords, maxBytes, targetRecords, maxDelay, minInterval);
  }

  /** Least time from the end of a group of {@code previousRecords} to the end of the next. */
  public long holdNanos(int previousRecords) {
    long proportional =
        (long) (maxDelay.toNanos() * Math.min(1.0, previousRecords / (double) targetRecords));
    return Math.max(minInterval.toNanos(), proportional);
  }
}
