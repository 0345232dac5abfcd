package io.objectkv.kafka;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Follows the manifest log from a snapshot: seeks to the record after it and applies each committed
 * delta in order. Not thread-safe: one thread polls it.
 */
public final class ManifestFollower implements AutoCloseable {
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private Manifest manifest;
  private long logOffset;

  public ManifestFollower(Consumer<byte[], byte[]> consumer, String topic, ManifestSnapshot start) {
    this.consumer = consumer;
    this.partition = new TopicPartition(topic, 0);
    this.manifest = start.manifest();
    this.logOffset = start.logOffset();
    consumer.assign(List.of(partition));
    consumer.seek(partition, start.logOffset() + 1);
  }

  public static ManifestFollower open(
      String bootstrap, KafkaNames names, String clientId, ManifestSnapshot start) {
    return new ManifestFollower(
        new KafkaConsumer<>(KafkaClients.follower(bootstrap, clientId)), names.manifest(), start);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The offset of the newest applied delta (-1 before any). */
  public long logOffset() {
    return logOffset;
  }

  /** The end of the committed log (last stable offset): what a strong read must wait for. */
  public long committedEnd() {
    Map<TopicPartition, Long> end = consumer.endOffsets(Set.of(partition));
    return end.get(partition);
  }

  /** Applies the deltas that arrive within {@code timeout}; returns them in order. */
  public List<ManifestDelta> poll(Duration timeout) {
    List<ManifestDelta> applied = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      ManifestDelta delta = ManifestCodec.decodeDelta(partition + "@" + r.offset(), r.value());
      if (delta.id() <= manifest.id()) {
        logOffset = r.offset(); // already in the snapshot we started from
        continue;
      }
      if (delta.id() != manifest.id() + 1) {
        throw new IllegalStateException(
            "manifest log gap at "
                + partition
                + "@"
                + r.offset()
                + ": delta "
                + delta.id()
                + " after manifest "
                + manifest.id());
      }
      manifest = manifest.apply(delta);
      logOffset = r.offset();
      applied.add(delta);
    }
    return applied;
  }

  /**
   * Applies every delta committed up to now.
   *
   * @return the deltas applied, in order
   */
  public List<ManifestDelta> catchUp(Duration timeout) {
    long end = committedEnd();
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ManifestDelta> applied = new ArrayList<>();
    while (consumer.position(partition) < end) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read the manifest log "
                + partition
                + " up to offset "
                + end
                + " within "
                + timeout
                + " (at "
                + consumer.position(partition)
                + ")");
      }
      applied.addAll(poll(Duration.ofMillis(100)));
    }
    return applied;
  }

  /**
   * Committed records not applied yet, as of the last fetch (no request is made); -1 before the
   * first fetch.
   */
  public long lag() {
    return consumer.currentLag(partition).orElse(-1);
  }

  /** The next offset this follower will read. */
  public long position() {
    return consumer.position(partition);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
