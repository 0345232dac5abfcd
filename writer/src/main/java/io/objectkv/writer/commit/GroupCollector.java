package io.objectkv.writer.commit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Cuts the write log into groups, one group commit each. A group grows while records keep coming
 * within {@link #GAP} of each other, or while the committer is still busy with the groups before it
 * (a new one could not start anyway). It ends when full by records or bytes (exactly: what a poll
 * returns beyond that opens the next group), or once {@code maxDelay} has passed since its first
 * record; unless full, never sooner than {@code minInterval} after the previous group, which caps
 * the S3 PUTs per second. So a quiet log commits at once and a busy one fills groups.
 *
 * <p>One collector serves one active role: records it holds back belong to that role's position in
 * the log.
 */
public final class GroupCollector {
  /** How long a growing group waits for its next record. */
  static final Duration GAP = Duration.ofMillis(1);

  /** How long an empty group waits before the caller gets to do idle work. */
  private static final Duration IDLE = Duration.ofMillis(200);

  private final Consumer<byte[], byte[]> log;
  private final TopicPartition partition;
  private final int maxRecords;
  private final long maxBytes;
  private final Duration maxDelay;
  private final Duration minInterval;
  private final BooleanSupplier committerBusy;
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> heldBack = new ArrayDeque<>();
  private long previousEnd = System.nanoTime() - (1L << 40);

  public GroupCollector(
      Consumer<byte[], byte[]> log,
      TopicPartition partition,
      int maxRecords,
      long maxBytes,
      Duration maxDelay,
      Duration minInterval,
      BooleanSupplier committerBusy) {
    this.log = log;
    this.partition = partition;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.maxDelay = maxDelay;
    this.minInterval = minInterval;
    this.committerBusy = committerBusy;
  }

  /** The next group of consecutive records, or an empty list when the log stayed quiet. */
  public List<ConsumerRecord<byte[], byte[]>> next() {
    List<ConsumerRecord<byte[], byte[]>> group = new ArrayList<>();
    long bytes = 0;
    long deadline = Long.MAX_VALUE;
    long notBefore = previousEnd + minInterval.toNanos();
    while (true) {
      long now = System.nanoTime();
      List<ConsumerRecord<byte[], byte[]>> arrived;
      if (!heldBack.isEmpty()) {
        arrived = new ArrayList<>(heldBack);
        heldBack.clear();
      } else {
        long wait =
            group.isEmpty()
                ? IDLE.toNanos()
                : now < notBefore
                    ? notBefore - now
                    : Math.min(GAP.toNanos(), Math.max(0, deadline - now));
        arrived = log.poll(Duration.ofNanos(wait)).records(partition);
      }
      boolean full = false;
      for (int i = 0; i < arrived.size() && !full; i++) {
        ConsumerRecord<byte[], byte[]> r = arrived.get(i);
        int size = Math.max(0, r.serializedValueSize());
        if (!group.isEmpty() && (group.size() >= maxRecords || bytes + size > maxBytes)) {
          heldBack.addAll(arrived.subList(i, arrived.size()));
          full = true;
        } else {
          group.add(r);
          bytes += size;
        }
      }
      if (group.isEmpty()) {
        return group;
      }
      now = System.nanoTime();
      full |= group.size() >= maxRecords || bytes >= maxBytes;
      boolean first = deadline == Long.MAX_VALUE;
      if (first) {
        deadline = now + maxDelay.toNanos();
      }
      boolean quiet = !first && arrived.isEmpty() && !committerBusy.getAsBoolean();
      if (full || (now >= notBefore && (quiet || now >= deadline))) {
        previousEnd = now;
        return group;
      }
    }
  }
}
