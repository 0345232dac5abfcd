package io.objectkv.compactor.submit;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.format.FormatException;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Hands finished compactions to the writer, the only manifest author, through the write log, and
 * reads back which compactions are still waiting there.
 */
public final class CompactionSubmitter implements AutoCloseable {
  private final KafkaNames names;
  private final String bootstrap;
  private final KafkaProducer<byte[], byte[]> producer;

  public CompactionSubmitter(String bootstrap, KafkaNames names) {
    this.names = names;
    this.bootstrap = bootstrap;
    Map<String, Object> p = KafkaClients.producer(bootstrap, names.database() + "-compactor");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(p);
  }

  /**
   * @return the write-log offset of the commit: the writer decides on it there
   */
  public long submit(LogCommand.CompactionCommit commit) {
    try {
      return producer
          .send(new ProducerRecord<>(names.writes(), 0, null, LogCodec.encode(commit)))
          .get()
          .offset();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not submit compaction " + commit.compactionId() + ": " + e.getCause(),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Compactions in the write log after {@code appliedVersion}: submitted, not yet decided. */
  public record Pending(Set<String> outputs, long lastOffset) {}

  public Pending pendingAfter(long appliedVersion) {
    Set<String> outputs = new HashSet<>();
    long last = -1;
    TopicPartition tp = new TopicPartition(names.writes(), 0);
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            KafkaClients.follower(bootstrap, names.database() + "-compactor-scan"))) {
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      c.seek(tp, Math.max(appliedVersion + 1, c.beginningOffsets(List.of(tp)).get(tp)));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (!LogCodec.isCompactionCommit(r.value())) {
            continue;
          }
          try {
            if (LogCodec.decodeCommand(tp + "@" + r.offset(), r.value())
                instanceof LogCommand.CompactionCommit cc) {
              cc.outputs().forEach(o -> outputs.add(o.key()));
              last = r.offset();
            }
          } catch (FormatException e) {
            // not ours to judge: the writer skips it
          }
        }
      }
      if (c.position(tp) < end) {
        throw new IllegalStateException(
            "could not read the write log up to " + end + " to find pending compactions");
      }
    }
    return new Pending(outputs, last);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
