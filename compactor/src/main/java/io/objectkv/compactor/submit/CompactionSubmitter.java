package io.objectkv.compactor.submit;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Talks to the writer, the only manifest author, through the write log: marks where a compaction
 * starts (its log time) when it has no fresh log time to start from, and hands over its result.
 */
public final class CompactionSubmitter implements AutoCloseable {
  private final KafkaNames names;
  private final KafkaProducer<byte[], byte[]> producer;

  public CompactionSubmitter(String bootstrap, KafkaNames names) {
    this.names = names;
    Map<String, Object> p = KafkaClients.producer(bootstrap, names.database() + "-compactor");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * Marks the start of compaction {@code compactionId}.
   *
   * @return the log time of the mark (the broker's append time): the compaction's start
   */
  public long start(String compactionId) {
    return send(new LogCommand.CompactionStart(compactionId), compactionId).timestamp();
  }

  /**
   * @return the write-log offset of the commit: the writer decides on it there
   */
  public long submit(LogCommand.CompactionCommit commit) {
    return send(commit, commit.compactionId()).offset();
  }

  private RecordMetadata send(LogCommand command, String compactionId) {
    try {
      return producer
          .send(new ProducerRecord<>(names.writes(), 0, null, LogCodec.encode(command)))
          .get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not send compaction " + compactionId + " to the write log: " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
