package io.objectkv.kafka;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestLog;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.SstInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the manifest log from a snapshot: seeks to the record after it and applies each committed
 * delta in order. Not thread-safe: one thread polls it.
 */
public final class ManifestFollower implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManifestFollower.class);
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private Manifest manifest;
  private long logOffset;
  private long epochSetAt = -1;
  private final Map<String, byte[]> copies = new HashMap<>();
  private long copyBytes;

  /**
   * Bytes of copies kept per poll or catch-up, at most: a follower catching up over many deltas
   * reads the objects past this from the store, as it would without copies.
   */
  static final long MAX_COPY_BYTES = 16L << 20;

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

  /**
   * As {@link #open}, connecting to the broker while {@code start} is still being found (a boot
   * reads the snapshot from the object store meanwhile): the consumer asks for the log's end before
   * it waits for the snapshot. Its fetches wait {@link KafkaClients#FORWARD_FETCH_WAIT}: after
   * {@link #catchUp} it must only {@link #poll}.
   */
  public static ManifestFollower connect(
      String bootstrap, KafkaNames names, String clientId, Supplier<ManifestSnapshot> start) {
    Consumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            KafkaClients.follower(bootstrap, clientId, KafkaClients.FORWARD_FETCH_WAIT));
    try {
      consumer.endOffsets(List.of(new TopicPartition(names.manifest(), 0)));
      return new ManifestFollower(consumer, names.manifest(), start.get());
    } catch (RuntimeException e) {
      KafkaClients.closeFollower(consumer);
      throw e;
    }
  }

  /** As {@link #open}, with fetches that wait at most {@code fetchWait} at the broker. */
  public static ManifestFollower open(
      String bootstrap,
      KafkaNames names,
      String clientId,
      ManifestSnapshot start,
      Duration fetchWait) {
    return new ManifestFollower(
        new KafkaConsumer<>(KafkaClients.follower(bootstrap, clientId, fetchWait)),
        names.manifest(),
        start);
  }

  public Manifest manifest() {
    return manifest;
  }

  /** The offset of the newest record read (-1 before any). */
  public long logOffset() {
    return logOffset;
  }

  /** The end of the committed log (last stable offset): what a strong read must wait for. */
  public long committedEnd() {
    Map<TopicPartition, Long> end = consumer.endOffsets(Set.of(partition));
    return end.get(partition);
  }

  /**
   * Applies the records that arrive within {@code timeout} by the rule of {@link ManifestLog};
   * returns the deltas that counted, in order.
   */
  public List<ManifestDelta> poll(Duration timeout) {
    clearCopies();
    List<ManifestDelta> applied = new ArrayList<>();
    read(timeout, applied);
    return applied;
  }

  /**
   * The copies of new objects that the deltas returned by the last {@link #poll} or {@link
   * #catchUp} carried of the objects they add, by object key: their bytes as stored, each of its
   * object's recorded size, so a follower need not read them.
   */
  public Map<String, byte[]> copies() {
    return Map.copyOf(copies);
  }

  private void clearCopies() {
    copies.clear();
    copyBytes = 0;
  }

  /**
   * Keeps the copies of the objects {@code d} adds, up to {@link #MAX_COPY_BYTES}: only one of the
   * object's recorded size, so every user of {@link #copies} may take a copy for the object.
   */
  private void keepCopies(ManifestDelta d, Map<String, byte[]> carried) {
    for (ManifestEdit e : d.edits()) {
      if (!(e instanceof ManifestEdit.AddL0(SstInfo sst))) {
        continue;
      }
      byte[] copy = carried.get(sst.key());
      if (copy == null) {
        continue;
      }
      if (copy.length != sst.sizeBytes()) {
        log.warn(
            "the copy of {} has {} bytes, not {}: it will be read from the store",
            sst.key(),
            copy.length,
            sst.sizeBytes());
      } else if (copyBytes + copy.length <= MAX_COPY_BYTES) {
        copies.put(sst.key(), copy);
        copyBytes += copy.length;
      }
    }
  }

  private void read(Duration timeout, List<ManifestDelta> applied) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
      String where = partition + "@" + r.offset();
      ManifestCodec.LogEntry entry = ManifestCodec.decodeLogEntry(where, r.value());
      Manifest next = ManifestLog.follow(manifest, entry.record(), where);
      if (entry.record() instanceof ManifestDelta d && next != manifest) {
        applied.add(d);
        keepCopies(d, entry.copies());
      }
      if (next.writerEpoch() != manifest.writerEpoch()) {
        epochSetAt = r.offset();
      }
      manifest = next;
      logOffset = r.offset();
    }
  }

  /**
   * The offset of the record that raised the writer epoch to the current one (-1 if that was before
   * the starting snapshot): a writer's own fence there means its claim stands.
   */
  public long epochSetAt() {
    return epochSetAt;
  }

  /**
   * Applies every delta committed up to now.
   *
   * @return the deltas applied, in order
   */
  public List<ManifestDelta> catchUp(Duration timeout) {
    long end = committedEnd();
    long deadline = System.nanoTime() + timeout.toNanos();
    clearCopies();
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
      read(Duration.ofMillis(100), applied);
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
    KafkaClients.closeFollower(consumer);
  }
}
