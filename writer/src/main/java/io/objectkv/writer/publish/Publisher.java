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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Publishes each group in one Kafka transaction: the manifest delta and every outcome. The
 * transaction is opened and filled while the group's L0 object uploads, and committed only once the
 * object is durable. Creating a publisher fences every earlier writer of the database (same
 * transactional id); a fenced one only fails.
 */
public final class Publisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaNames names;
  private Future<RecordMetadata> deltaSent;

  /** The transaction did not commit; the writer gives up its role and recovers. */
  public static final class PublishException extends RuntimeException {
    PublishException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public Publisher(String bootstrap, KafkaNames names, String clientId) {
    this.names = names;
    Map<String, Object> config = KafkaClients.producer(bootstrap, clientId);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, names.writerTransactionalId());
    // An open transaction holds back strong reads (they wait for the manifest log's high
    // watermark): a writer that dies mid-group is aborted by the broker after this at the latest,
    // and sooner by the standby that fences it.
    config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 20_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A transaction begun right after the previous commit is refused (CONCURRENT_TRANSACTIONS)
    // until the broker has written its markers; the default 100 ms backoff would add to every
    // group. Measured with bench/run KafkaTxnProbe: p50 26 ms -> 9 ms, p99 139 ms -> 36 ms.
    config.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(config);
    producer.initTransactions();
  }

  /**
   * Opens the group's transaction and sends everything in it; nothing is visible yet. The write
   * log's position is not committed with it: a writer resumes from its manifest's applied version,
   * and tying the transaction to the consumer group's generation would end the active role at every
   * rebalance (a standby joining).
   */
  public void send(ManifestDelta delta, List<ResultRecord> results) {
    try {
      producer.beginTransaction();
      deltaSent =
          producer.send(
              new ProducerRecord<>(names.manifest(), 0, null, ManifestCodec.encode(delta)));
      for (ResultRecord r : results) {
        producer.send(
            new ProducerRecord<>(
                names.results(), r.replyTo().getBytes(StandardCharsets.UTF_8), LogCodec.encode(r)));
      }
    } catch (KafkaException e) {
      throw new PublishException(
          "could not open the transaction of manifest delta " + delta.id() + ": " + e, e);
    }
  }

  /**
   * Commits the open transaction.
   *
   * @return the manifest-log offset of its delta
   */
  public long commit() {
    try {
      producer.commitTransaction();
      return deltaSent.get().offset();
    } catch (KafkaException | ExecutionException e) {
      throw new PublishException("the group's transaction did not commit: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PublishException("interrupted while committing", e);
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
