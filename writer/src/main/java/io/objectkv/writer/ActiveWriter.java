package io.objectkv.writer;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.FormatException;
import io.objectkv.writer.commit.GroupCommit;
import io.objectkv.writer.commit.L0Uploader;
import io.objectkv.writer.publish.Publisher;
import io.objectkv.writer.recover.Recovery;
import io.objectkv.writer.recover.SnapshotKeeper;
import io.objectkv.writer.validate.BatchValidator;
import io.objectkv.writer.validate.KeyStates;
import io.objectkv.writer.validate.Mutation;
import io.objectkv.writer.validate.RequestLedger;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer while it owns the write log: fences the previous writer, recovers the manifest, and
 * then turns each group of records into one L0 object and one Kafka transaction. Any failure ends
 * the role; the next one recovers from S3 and the manifest log, so nothing half-done survives.
 */
final class ActiveWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ActiveWriter.class);

  private final WriterConfig config;
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition writes;
  private final Publisher publisher;
  private final L0Uploader uploader;
  private final TableCache tables;
  private final SnapshotKeeper snapshots;
  private final RequestLedger ledger;
  private final KeyStates keys;
  private final WriterMetrics metrics;
  private final long epoch;
  private Manifest manifest;
  private long manifestLogOffset;
  private LsmView view;

  ActiveWriter(
      WriterConfig config,
      ObjectStore store,
      Consumer<byte[], byte[]> consumer,
      InstantSource clock,
      RandomGenerator random,
      WriterMetrics metrics,
      String clientId) {
    long start = System.nanoTime();
    this.config = config;
    this.consumer = consumer;
    this.metrics = metrics;
    this.writes = new TopicPartition(config.names().writes(), 0);
    // Fence first: after this, no earlier writer can commit, so the manifest log is final.
    this.publisher = new Publisher(config.bootstrap(), config.names(), clientId);
    try {
      Recovery.State state =
          Recovery.recover(
              store,
              config.bootstrap(),
              config.names(),
              config.ledgerCapacity(),
              Duration.ofSeconds(60));
      this.manifest = state.manifest();
      this.manifestLogOffset = state.manifestLogOffset();
      this.ledger = state.ledger();
      this.epoch = manifest.writerEpoch() + 1;
      long end = consumer.endOffsets(List.of(writes)).get(writes);
      if (end < manifest.appliedVersion() + 1) {
        throw new IllegalStateException(
            "the write log "
                + writes
                + " ends at "
                + end
                + " but the manifest has applied version "
                + manifest.appliedVersion()
                + ": the Kafka topics were reset or belong to another database; refusing to reuse versions");
      }
      this.tables =
          new TableCache(new StoreRangeFetcher(store), new BlockCache(config.blockCacheBytes()));
      this.view = LsmView.open(manifest, tables);
      this.keys = new KeyStates(view, config.keyCacheBytes());
      this.uploader = new L0Uploader(store, random);
      this.snapshots =
          new SnapshotKeeper(
              store,
              clock,
              config.snapshotEveryDeltas(),
              config.snapshotEvery(),
              state.snapshotId());
      consumer.seek(writes, manifest.appliedVersion() + 1);
    } catch (RuntimeException e) {
      publisher.close();
      throw e;
    }
    metrics.recoveries.inc();
    metrics.recoverySeconds.observeNanos(System.nanoTime() - start);
    log.info(
        "active writer, epoch {}: manifest {} (applied version {}, {} L0 + {} L1 objects), {} remembered requests; resuming at offset {}",
        epoch,
        manifest.id(),
        manifest.appliedVersion(),
        manifest.l0().size(),
        manifest.l1().size(),
        ledger.size(),
        manifest.appliedVersion() + 1);
  }

  Manifest manifest() {
    return manifest;
  }

  long epoch() {
    return epoch;
  }

  /** Decides, uploads and publishes one group of consecutive write-log records. */
  void process(List<ConsumerRecord<byte[], byte[]>> records) {
    long start = System.nanoTime();
    GroupCommit group = new GroupCommit();
    Manifest working = manifest;
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long version = r.offset();
      LogCommand command;
      try {
        command = LogCodec.decodeCommand(writes + "@" + version, r.value());
      } catch (FormatException e) {
        log.warn("skipping undecodable write-log record: {}", e.getMessage());
        metrics.undecodable.inc();
        group.advance(version);
        continue;
      }
      switch (command) {
        case LogCommand.ClientBatch b -> decide(group, version, b);
        case LogCommand.CompactionCommit c -> {
          ManifestEdit.Compaction edit =
              new ManifestEdit.Compaction(c.inputsL0(), c.inputsL1(), c.outputs());
          if (working.accepts(edit)) {
            working = working.withEdits(List.of(edit));
            group.compaction(edit, version);
            metrics.compactionsApplied.inc();
          } else {
            log.info(
                "compaction {} no longer applies (its inputs changed); its outputs are orphans for GC",
                c.compactionId());
            group.advance(version);
            metrics.compactionsRejected.inc();
          }
        }
      }
    }
    if (group.lastVersion() < 0) {
      return;
    }
    commit(group);
    metrics.groups.inc();
    metrics.records.add(records.size());
    metrics.groupSeconds.observeNanos(System.nanoTime() - start);
  }

  private void decide(GroupCommit group, long version, LogCommand.ClientBatch b) {
    String requestId = b.batch().requestId();
    Outcome first = requestId == null ? null : ledger.get(requestId);
    if (first != null) {
      metrics.duplicates.inc();
      group.outcome(version, b.replyTo(), b.correlationId(), requestId, first, false);
      return;
    }
    BatchValidator.Decision d = BatchValidator.decide(b.batch(), version, keys);
    switch (d.outcome()) {
      case Outcome.Committed c -> {
        for (Mutation m : d.mutations()) {
          keys.write(m.key(), version, m.value());
        }
        group.write(version, d.mutations());
        metrics.committed.inc();
      }
      case Outcome.ConditionFailed f -> metrics.conditionFailed.inc();
      case Outcome.Rejected rej -> metrics.rejected.inc();
    }
    if (requestId != null) {
      ledger.record(requestId, d.outcome());
    }
    group.outcome(version, b.replyTo(), b.correlationId(), requestId, d.outcome(), true);
  }

  private void commit(GroupCommit group) {
    List<ManifestEdit> edits = new ArrayList<>(group.compactions());
    GroupCommit.L0Object l0 = null;
    if (group.hasWrites()) {
      long uploadStart = System.nanoTime();
      do {
        l0 = group.buildL0(uploader.newKey(group.lastVersion(), epoch), config.sstOptions());
      } while (!uploader.upload(l0.key(), l0.bytes()));
      metrics.uploadSeconds.observeNanos(System.nanoTime() - uploadStart);
      metrics.l0Objects.inc();
      metrics.l0Bytes.add(l0.bytes().length);
      edits.add(new ManifestEdit.AddL0(l0.info()));
    }
    ManifestDelta delta =
        new ManifestDelta(manifest.id() + 1, epoch, group.lastVersion(), edits, group.requests());
    Manifest next = manifest.apply(delta); // invariants are checked before anything is published
    long publishStart = System.nanoTime();
    manifestLogOffset =
        publisher.commit(
            delta, group.results(), writes, group.lastVersion() + 1, consumer.groupMetadata());
    metrics.publishSeconds.observeNanos(System.nanoTime() - publishStart);
    manifest = next;
    if (l0 != null) {
      tables.registerFromBytes(l0.info(), l0.bytes());
    }
    view = LsmView.open(manifest, tables);
    tables.retainOnly(manifest.objectKeys());
    keys.groupCommitted(view);
    snapshots.maybeSnapshot(manifest, manifestLogOffset, ledger::entries);
  }

  /** Nothing to do: a chance to take a snapshot that is due by time. */
  void idle() {
    snapshots.maybeSnapshot(manifest, manifestLogOffset, ledger::entries);
  }

  Map<String, Object> status() {
    return Map.of(
        "epoch", epoch,
        "manifestVersion", manifest.id(),
        "appliedVersion", manifest.appliedVersion(),
        "l0Objects", manifest.l0().size(),
        "l0Bytes", manifest.l0Bytes(),
        "l1Objects", manifest.l1().size(),
        "l1Bytes", manifest.l1Bytes(),
        "rememberedRequests", ledger.size(),
        "snapshotsWritten", snapshots.written());
  }

  @Override
  public void close() {
    snapshots.close();
    publisher.close();
  }
}
