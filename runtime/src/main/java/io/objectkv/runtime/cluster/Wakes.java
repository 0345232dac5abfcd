package io.objectkv.runtime.cluster;

import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.runtime.Pause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the deployment's wake log ({@link KafkaNames#wake()}) from its end, on a thread of its
 * own: when each write log was last named there, and a call for each wake as it comes.
 */
public final class Wakes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Wakes.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Consumer<String> onWake;
  private final Map<String, Long> wokenAt = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean open = true;

  /**
   * @param onWake called with the write log a wake names, on the follower's thread
   */
  public Wakes(String bootstrap, KafkaNames deployment, String clientId, Consumer<String> onWake) {
    this.onWake = onWake;
    // A wake is answered at once; a quiet log is asked only every few seconds (it is never sought).
    this.consumer =
        new KafkaConsumer<>(
            KafkaClients.follower(bootstrap, clientId, KafkaClients.FORWARD_FETCH_WAIT));
    TopicPartition wakeLog = new TopicPartition(deployment.wake(), 0);
    consumer.assign(List.of(wakeLog));
    // From the end as the first poll finds it: what is asleep was quiet for a while before.
    consumer.seekToEnd(List.of(wakeLog));
    this.thread = Thread.ofPlatform().name("wakes").daemon().start(this::listen);
  }

  /** Whether the write log was named on the wake log less than {@code d} ago. */
  public boolean wokenWithin(String writeLog, Duration d) {
    Long at = wokenAt.get(writeLog);
    return at != null && System.nanoTime() - at < d.toNanos();
  }

  private void listen() {
    while (open) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(KafkaClients.FORWARD_FETCH_WAIT)) {
          if (r.key() != null) {
            String writeLog = new String(r.key(), StandardCharsets.UTF_8);
            wokenAt.put(writeLog, System.nanoTime());
            onWake.accept(writeLog);
          }
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("reading the wake log failed; again in a second: {}", e.toString());
        Pause.pause(Duration.ofSeconds(1));
      }
    }
  }

  @Override
  public void close() {
    open = false;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaClients.closeFollower(consumer);
  }
}
