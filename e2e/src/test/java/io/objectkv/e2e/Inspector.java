package io.objectkv.e2e;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.ManifestFollower;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads what is committed, straight from S3 and the manifest log through the core read path: how
 * tests check effects independently of the processes under test.
 */
final class Inspector {
  private final ObjectStore store;
  private final String bootstrap;
  private final KafkaNames names;

  Inspector(ObjectStore store, String bootstrap, KafkaNames names) {
    this.store = store;
    this.bootstrap = bootstrap;
    this.names = names;
  }

  Manifest manifest() {
    try (ManifestFollower f =
        ManifestFollower.open(
            bootstrap, names, "inspector", Snapshots.newest(store, ManifestCodec.Ledger.SKIP))) {
      f.catchUp(Duration.ofSeconds(30));
      return f.manifest();
    }
  }

  LsmView view() {
    return LsmView.open(
        manifest(), new TableCache(new StoreRangeFetcher(store), new BlockCache(16 << 20)));
  }

  /** The committed value, or null if absent (never written or deleted). */
  String value(String key) {
    Entry e = view().get(key.getBytes(StandardCharsets.UTF_8));
    return e == null || e.isTombstone() ? null : new String(e.value(), StandardCharsets.UTF_8);
  }

  /** Every record of the write log from {@code offset} to its end, decoded. */
  List<LogCommand> writeLog(long offset) {
    TopicPartition writes = writeLogPartition();
    try (KafkaConsumer<byte[], byte[]> c = writeLogConsumer()) {
      long end = c.endOffsets(List.of(writes)).get(writes);
      c.seek(writes, offset);
      List<LogCommand> commands = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.position(writes) < end) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read the write log up to offset " + end);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200)).records(writes)) {
          if (r.offset() < end) {
            commands.add(LogCodec.decodeCommand("write log offset " + r.offset(), r.value()));
          }
        }
      }
      return commands;
    }
  }

  /** The offset the next write-log record will get. */
  long writeLogEnd() {
    TopicPartition writes = writeLogPartition();
    try (KafkaConsumer<byte[], byte[]> c = writeLogConsumer()) {
      return c.endOffsets(List.of(writes)).get(writes);
    }
  }

  private KafkaConsumer<byte[], byte[]> writeLogConsumer() {
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(KafkaClients.follower(bootstrap, "inspector"));
    c.assign(List.of(writeLogPartition()));
    return c;
  }

  private TopicPartition writeLogPartition() {
    return new TopicPartition(names.writes(), 0);
  }
}
