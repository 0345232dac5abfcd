package io.objectkv.writer;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.log.ResultRecord;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.FormatException;
import io.objectkv.writer.commit.GroupCollector;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer while it owns the write log. It fences the previous writer and recovers the manifest,
 * then runs a two-stage pipeline: this thread decides each group and starts the upload of its L0
 * object; a committer thread fills the group's Kafka transaction while the object uploads and
 * commits it once the object is durable, strictly in group order. So the next group is decided
 * while the previous one commits. The committer also builds the committed view after each commit,
 * which costs time in the number of live objects, so deciding the next group does not wait for it.
 * Any failure ends the role; the next one recovers from S3 and the manifest log, so nothing
 * half-done survives.
 */
final class ActiveWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ActiveWriter.class);

  /** A decided group on its way to commit. */
  private record Prepared(
      ManifestDelta delta,
      Manifest manifest,
      List<ResultRecord> results,
      GroupCommit.L0Object l0,
      CompletableFuture<Void> upload,
      long nextOffset,
      ConsumerGroupMetadata consumerGroup,
      Map<Key, Long> writtenVersions,
      int records,
      long started) {}

  /** A committed group and the committed view that includes it, built off the decide path. */
  private record Committed(Prepared group, long deltaOffset, LsmView view) {}

  private final WriterConfig config;
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition writes;
  private final Publisher publisher;
  private final L0Uploader uploader;
  private final TableCache tables;
  private final SnapshotKeeper snapshots;
  private final RequestLedger ledger;
  private final Map<String, Outcome> pendingRequests = new HashMap<>();
  private final KeyStates keys;
  private final GroupCollector groups;
  private final WriterMetrics metrics;
  private final long epoch;
  private final ExecutorService uploads =
      Executors.newFixedThreadPool(
          2, r -> Thread.ofPlatform().name("l0-upload").daemon().unstarted(r));
  private final BlockingQueue<Prepared> toCommit = new ArrayBlockingQueue<>(1);
  private final ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();
  private final Thread committer;
  private volatile Throwable failure;
  private volatile boolean running = true;

  /** The manifest after every decided group (ids and compaction checks use it). */
  private Manifest prepared;

  /** The manifest after every committed group (reads and snapshots use it). */
  private Manifest manifest;

  private long manifestLogOffset;

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
    // Fence first: after this no earlier writer can commit, so the manifest log is final.
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
      this.prepared = manifest;
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
      this.keys = new KeyStates(LsmView.open(manifest, tables), config.keyCacheBytes());
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
      uploads.shutdownNow();
      throw e;
    }
    // Its records held back belong to this role's position in the log: it lives as long as we do.
    this.groups = new GroupCollector(consumer, writes, config.groups(), this::committerFull);
    this.committer = Thread.ofPlatform().name("committer").daemon().start(this::commitLoop);
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

  /** Decides one group of consecutive write-log records and hands it to the committer. */
  void process(List<ConsumerRecord<byte[], byte[]>> records) {
    long start = System.nanoTime();
    applyCommitted();
    GroupCommit group = new GroupCommit();
    Manifest working = prepared;
    long now = System.currentTimeMillis();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      long version = r.offset();
      if (version <= prepared.appliedVersion() || version <= group.lastVersion()) {
        // A rebalance may hand the partition back at an older position: deciding a record twice
        // would reuse its version, so give up the role and recover from the manifest instead.
        throw new IllegalStateException(
            "the write log went back to offset "
                + version
                + " after "
                + Math.max(prepared.appliedVersion(), group.lastVersion())
                + "; recovering");
      }
      metrics.recordAge.observeNanos(Math.max(0, now - r.timestamp()) * 1_000_000);
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
    List<ManifestEdit> edits = new ArrayList<>(group.compactions());
    GroupCommit.L0Object l0 = null;
    CompletableFuture<Void> upload = CompletableFuture.completedFuture(null);
    if (group.hasWrites()) {
      GroupCommit.L0Object built =
          group.buildL0(uploader.newKey(group.lastVersion(), epoch), config.sstOptions());
      long uploadStart = System.nanoTime();
      metrics.decideSeconds.observeNanos(uploadStart - start);
      upload =
          CompletableFuture.runAsync(
              () -> {
                uploader.upload(built.key(), built.bytes());
                metrics.uploadSeconds.observeNanos(System.nanoTime() - uploadStart);
              },
              uploads);
      l0 = built;
      edits.add(new ManifestEdit.AddL0(built.info()));
    }
    ManifestDelta delta =
        new ManifestDelta(prepared.id() + 1, epoch, group.lastVersion(), edits, group.requests());
    Manifest next = prepared.apply(delta); // invariants are checked before anything is published
    prepared = next;
    hand(
        new Prepared(
            delta,
            next,
            group.results(),
            l0,
            upload,
            group.lastVersion() + 1,
            consumer.groupMetadata(),
            group.writtenVersions(),
            records.size(),
            start));
  }

  private void decide(GroupCommit group, long version, LogCommand.ClientBatch b) {
    String requestId = b.batch().requestId();
    Outcome first =
        requestId == null ? null : pendingRequests.getOrDefault(requestId, ledger.get(requestId));
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
      pendingRequests.put(requestId, d.outcome());
    }
    group.outcome(version, b.replyTo(), b.correlationId(), requestId, d.outcome(), true);
  }

  /** The next group of the write log, or an empty list when it stayed quiet. */
  List<ConsumerRecord<byte[], byte[]>> nextGroup() {
    return groups.next();
  }

  /** True while a decided group waits for the committer: a new one would wait too. */
  private boolean committerFull() {
    return toCommit.remainingCapacity() == 0;
  }

  /** Queues a group for the committer, waiting while it is busy with the one before. */
  private void hand(Prepared p) {
    try {
      while (!toCommit.offer(p, 100, TimeUnit.MILLISECONDS)) {
        checkFailure();
        applyCommitted();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while handing a group to the committer", e);
    }
  }

  private void commitLoop() {
    while (running) {
      Prepared p;
      try {
        p = toCommit.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (p == null) {
        continue;
      }
      try {
        long publishStart = System.nanoTime();
        publisher.send(p.delta, p.results, writes, p.nextOffset, p.consumerGroup);
        p.upload.join(); // the object is durable before the manifest that names it commits
        long offset = publisher.commit();
        metrics.publishSeconds.observeNanos(System.nanoTime() - publishStart);
        metrics.groups.inc();
        metrics.records.add(p.records);
        metrics.groupSeconds.observeNanos(System.nanoTime() - p.started);
        committed.add(new Committed(p, offset, committedView(p)));
      } catch (RuntimeException | Error e) {
        failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return;
      }
    }
  }

  /**
   * The view of the database after {@code p}. All changes to the table cache happen here, on the
   * committer thread (the writer thread only reads through views, which hold their tables).
   */
  private LsmView committedView(Prepared p) {
    if (p.l0() != null) {
      tables.registerFromBytes(p.l0().info(), p.l0().bytes());
    }
    if (p.delta().edits().stream().anyMatch(e -> e instanceof ManifestEdit.Compaction)) {
      tables.retainOnly(p.manifest().objectKeys());
    }
    return LsmView.open(p.manifest(), tables);
  }

  private void checkFailure() {
    Throwable f = failure;
    if (f != null) {
      throw new IllegalStateException("committing a group failed: " + f, f);
    }
  }

  /** Moves what the committer finished into the committed view, ledger and cache. */
  private void applyCommitted() {
    checkFailure();
    boolean changed = false;
    for (Committed c; (c = committed.poll()) != null; ) {
      Prepared p = c.group();
      manifest = p.manifest();
      manifestLogOffset = c.deltaOffset();
      for (RequestRecord r : p.delta().requests()) {
        ledger.record(r.requestId(), r.outcome());
        pendingRequests.remove(r.requestId());
      }
      keys.groupCommitted(c.view(), p.writtenVersions());
      changed = true;
    }
    if (changed) {
      snapshots.maybeSnapshot(manifest, manifestLogOffset, ledger::entries);
    }
  }

  /** Nothing new in the log: finish what committed, and take a snapshot that is due by time. */
  void idle() {
    applyCommitted();
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
        "openTables", tables.openCount(),
        "rememberedRequests", ledger.size(),
        "snapshotsWritten", snapshots.written());
  }

  @Override
  public void close() {
    running = false;
    try {
      committer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    uploads.shutdownNow();
    snapshots.close();
    publisher.close();
  }
}
