package io.objectkv.writer.publish;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.ResultRecord;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Publishes a group in one Kafka transaction: the manifest delta, every outcome, and the consumed
 * offset of the write log. Creating it fences every earlier writer of the database (same
 * transactional id); a fenced publisher only fails from then on.
 */
public final class Publisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaNames names;

  /** Thrown when the transaction did not commit; the writer gives up its role and recovers. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Publisher(String bootstrap, KafkaNames names, String clientId) {
    this.names = names;
    Map<String, Object> config = KafkaClients.producer(bootstrap, clientId);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, names.writerTransactionalId());
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(config);
    producer.initTransactions();
  }

  /**
   * Commits the group.
   *
   * @return the manifest-log offset of the delta
   */
  public long commit(
      ManifestDelta delta,
      List<ResultRecord> results,
      TopicPartition writes,
      long nextOffset,
      ConsumerGroupMetadata group) {
    try {
      producer.beginTransaction();
      Future<RecordMetadata> deltaSent =
          producer.send(
              new ProducerRecord<>(names.manifest(), 0, null, ManifestCodec.encode(delta)));
      for (ResultRecord r : results) {
        producer.send(
            new ProducerRecord<>(
                names.results(), r.replyTo().getBytes(StandardCharsets.UTF_8), LogCodec.encode(r)));
      }
      producer.sendOffsetsToTransaction(Map.of(writes, new OffsetAndMetadata(nextOffset)), group);
      producer.commitTransaction();
      return deltaSent.get().offset();
    } catch (KafkaException | ExecutionException e) {
      throw new PublishException("manifest delta " + delta.id() + " did not commit: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while committing manifest delta " + delta.id(), e);
    }
  }

  @Override
  public void close() {
    try {
      producer.close(java.time.Duration.ofSeconds(5));
    } catch (KafkaException e) {
      // closing a fenced producer may complain; nothing to do
    }
  }
}
