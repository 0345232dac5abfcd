package io.objectkv.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Where partitions begin and end, asked through an admin client. A consumer that asks queues its
 * request behind its own fetch waiting at the broker (a broker answers one connection's requests in
 * order), so it waits up to its fetch wait for the answer; an admin client's connection has no
 * fetch waiting. (The admin client asks for metadata before each lookup: for rare lookups, such as
 * a take-over's or a catalog sync's.)
 */
public final class LogOffsets {
  private LogOffsets() {}

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** The first offset the partition still holds. */
  public static long earliest(Admin admin, TopicPartition p) {
    return ask(admin, List.of(p), OffsetSpec.earliest()).get(p);
  }

  /** The end of the partition's committed records, as a read_committed consumer sees it. */
  public static long latest(Admin admin, TopicPartition p) {
    return latest(admin, List.of(p)).get(p);
  }

  /** As {@link #latest(Admin, TopicPartition)}, for several partitions in one request. */
  public static Map<TopicPartition, Long> latest(Admin admin, Collection<TopicPartition> ps) {
    return ask(admin, ps, OffsetSpec.latest());
  }

  private static Map<TopicPartition, Long> ask(
      Admin admin, Collection<TopicPartition> ps, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
    ps.forEach(p -> specs.put(p, spec));
    ListOffsetsResult result =
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED));
    try {
      Map<TopicPartition, Long> out = new HashMap<>();
      result
          .all()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((p, info) -> out.put(p, info.offset()));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted while asking the offsets of " + ps, e);
    } catch (ExecutionException e) {
      throw new KafkaException("cannot ask the offsets of " + ps + ": " + e.getCause(), e);
    } catch (TimeoutException e) {
      throw new KafkaException("no answer in " + TIMEOUT + " for the offsets of " + ps, e);
    }
  }
}
