package io.objectkv.writer.publish;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.Replies;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.WriterFence;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Appends the writer's records to the manifest log without Kafka transactions: one produce per
 * group, carrying its delta and the replies to its batches' gateways, and no wait between groups
 * for transaction markers.
 *
 * <p>What a transaction did, fencing, comes from the log itself (see {@code ManifestLog}): this
 * writer first appends a {@link WriterFence}, and while it is the only writer, its records take
 * consecutive offsets after it. Each delta states the offset it is appended for; one that lands
 * anywhere else had another writer's record before it: it may not count, so gateways ignore its
 * replies ({@link Replies#countsAt}) and the writer gives up its role (the next recovery reads the
 * log and finds out). So a reply is answered only for a delta that is durable (a follower reads
 * only what every in-sync replica holds) and counts.
 */
public final class Publisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaNames names;
  private long lastOffset = -1;

  /** The record did not land where it counts; the writer gives up its role and recovers. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Longest a record may take to be acknowledged before the writer gives up its role. */
  private static final Duration DELIVERY = Duration.ofSeconds(15);

  public Publisher(String bootstrap, KafkaNames names, String clientId) {
    this.names = names;
    fenceTransactionalWriters(bootstrap, names, clientId);
    Map<String, Object> config = KafkaClients.producer(bootstrap, clientId);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) DELIVERY.toMillis() / 3);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) DELIVERY.toMillis());
    this.producer = new KafkaProducer<>(config);
  }

  /**
   * Writers before fence records committed each group in a Kafka transaction under one fixed
   * transactional id: initializing it aborts such a writer's open transaction and fences it, so a
   * writer of that version still running cannot commit after this one starts (rolling upgrades).
   */
  private static void fenceTransactionalWriters(
      String bootstrap, KafkaNames names, String clientId) {
    Map<String, Object> config = KafkaClients.producer(bootstrap, clientId + "-fence");
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, names.writerTransactionalId());
    try (KafkaProducer<byte[], byte[]> fencer = new KafkaProducer<>(config)) {
      fencer.initTransactions();
    } catch (KafkaException e) {
      throw new PublishException("could not fence transactional writers: " + e, e);
    }
  }

  /**
   * Appends this writer's fence: the records it appends next must follow it directly.
   *
   * @return the fence's offset in the manifest log
   */
  public long fence(WriterFence fence) {
    lastOffset = append(ManifestCodec.encode(fence), "writer fence of epoch " + fence.epoch());
    return lastOffset;
  }

  /** The records up to {@code offset} were read and did not count: the next one follows it. */
  public void continueAfter(long offset) {
    lastOffset = Math.max(lastOffset, offset);
  }

  /**
   * Appends a group's delta with the replies to its batches and {@code copies} of its new objects
   * (see {@link ManifestCodec.LogEntry}), for the offset right after this writer's last record.
   *
   * @return the manifest-log offset of the delta
   * @throws PublishException if the delta is not known to count
   */
  public long publish(ManifestDelta delta, List<Reply> replies, Map<String, byte[]> copies) {
    long expected = lastOffset + 1;
    long offset =
        append(
            ManifestCodec.encode(delta, new Replies(expected, replies), copies),
            "manifest delta " + delta.id());
    if (offset != expected) {
      throw new PublishException(
          "manifest delta "
              + delta.id()
              + " landed at offset "
              + offset
              + ", not right after this writer's record at "
              + lastOffset
              + ": another writer appended in between, so it may not count; giving up the role",
          null);
    }
    lastOffset = offset;
    return offset;
  }

  private long append(byte[] record, String what) {
    try {
      return producer.send(new ProducerRecord<>(names.manifest(), 0, null, record)).get().offset();
    } catch (ExecutionException e) {
      throw new PublishException(
          "the manifest log did not take the " + what + ": " + e.getCause(), e.getCause());
    } catch (KafkaException e) {
      throw new PublishException("the manifest log did not take the " + what + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while appending the " + what, e);
    }
  }

  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(5));
    } catch (KafkaException e) {
      // nothing left to do
    }
  }
}
