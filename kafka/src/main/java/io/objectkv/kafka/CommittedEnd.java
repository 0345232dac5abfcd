package io.objectkv.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Finds the barrier of a strong read: the manifest log's high watermark, every record any broker
 * has acknowledged. A write is answered only after its delta was acknowledged, so a read that waits
 * until this reader's position passes the high watermark sees it. (The high watermark, not the last
 * stable offset, so that logs written by transactional writers of format version 2 are waited for
 * as well: their markers land on each partition separately.) Each lookup is shared among the reads
 * that arrived before it was sent: a read never uses a lookup sent before it arrived.
 *
 * <p>Lookups go through a consumer of their own on one thread: one ListOffsets request each, where
 * the admin client first asked for metadata every time.
 */
public final class CommittedEnd implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrap;
  private final String clientId;
  private final TopicPartition manifest;
  private final ExecutorService lookups =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("committed-end").daemon().unstarted(r));
  private Consumer<byte[], byte[]> consumer; // made and used on the lookup thread only
  private CompletableFuture<Long> next;
  private boolean inFlight;
  private volatile long latest;

  public CommittedEnd(String bootstrap, String clientId, String manifestTopic) {
    this.bootstrap = bootstrap;
    this.clientId = clientId;
    this.manifest = new TopicPartition(manifestTopic, 0);
  }

  /** The committed end as of a lookup sent after this call. */
  public synchronized CompletableFuture<Long> afterNow() {
    CompletableFuture<Long> mine = next;
    if (mine == null) {
      mine = next = new CompletableFuture<>();
      if (!inFlight) {
        send();
      }
    }
    return mine;
  }

  /**
   * The largest end a lookup has found so far (0 before the first): a position the log has already
   * reached, which a read may ask a replica to reach before it answers.
   */
  public long latest() {
    return latest;
  }

  private synchronized void send() {
    CompletableFuture<Long> batch = next;
    next = null;
    inFlight = true;
    lookups.execute(
        () -> {
          try {
            long end = consumer().endOffsets(Set.of(manifest), TIMEOUT).get(manifest);
            latest = Math.max(latest, end); // one thread writes it
            batch.complete(end);
          } catch (RuntimeException e) {
            batch.completeExceptionally(e);
          }
          synchronized (CommittedEnd.this) {
            inFlight = false;
            if (next != null) {
              send();
            }
          }
        });
  }

  private Consumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Map<String, Object> c = KafkaClients.follower(bootstrap, clientId);
      c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // the high watermark
      consumer = new KafkaConsumer<>(c);
    }
    return consumer;
  }

  @Override
  public void close() {
    lookups.execute(
        () -> {
          if (consumer != null) {
            consumer.close();
          }
        });
    lookups.shutdown();
  }
}
