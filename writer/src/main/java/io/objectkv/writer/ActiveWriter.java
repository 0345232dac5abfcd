package io.objectkv.writer;

import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSummary;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.writer.commit.GroupCollector;
import io.objectkv.writer.commit.GroupCommit;
import io.objectkv.writer.commit.L0Uploader;
import io.objectkv.writer.commit.NanoTime;
import io.objectkv.writer.commit.WriteLog;
import io.objectkv.writer.decide.Decider;
import io.objectkv.writer.decide.LogGapException;
import io.objectkv.writer.decide.LogRecord;
import io.objectkv.writer.decide.RequestBook;
import io.objectkv.writer.publish.Publisher;
import io.objectkv.writer.recover.Recovery;
import io.objectkv.writer.recover.SnapshotKeeper;
import io.objectkv.writer.recover.WarmStandby;
import io.objectkv.writer.validate.KeyStates;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
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
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer while it owns the write log. It claims the manifest log (see {@link Recovery#claim}),
 * then runs a two-stage pipeline: this thread has the {@link Decider} decide each group and starts
 * the upload of its L0 object; a committer thread appends the group's delta once the object is
 * durable and then publishes its outcomes, strictly in group order. So the next group is decided
 * while the previous one commits. The committer also builds the committed view after each commit,
 * which costs time in the number of live objects, so deciding the next group does not wait for it.
 * Any failure ends the role; the next one recovers from S3 and the manifest log, so nothing
 * half-done survives.
 */
final class ActiveWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ActiveWriter.class);

  /**
   * Groups decided and not yet committed, at most (their uploads overlap; they commit in order).
   * Four, with their hold shortened by the upload time, made more and smaller groups at 1,024
   * clients and fewer writes per second, with or without S3 latency: on two cores the per-group
   * work is what a busy writer runs out of.
   */
  static final int GROUPS_IN_FLIGHT = 2;

  /** A decided group on its way to commit. */
  private record Prepared(Decider.Decision decision, CompletableFuture<Void> upload, long started) {
    List<Reply> replies() {
      return decision.group().replies();
    }

    Manifest manifest() {
      return decision.manifest();
    }
  }

  /** A committed group and the committed view that includes it, built off the decide path. */
  private record Committed(Prepared group, long deltaOffset, LsmView view) {}

  private final WriteLog writeLog;
  private final Publisher publisher;
  private final L0Uploader uploader;
  private final TableCache tables;
  private final SnapshotKeeper snapshots;
  private final RequestBook book;
  private final Decider decider;
  private final GroupCollector groups;
  private final WriterMetrics metrics;
  private final long epoch;
  private final InstantSource clock;
  private final ExecutorService uploads =
      Executors.newFixedThreadPool(
          GROUPS_IN_FLIGHT, r -> Thread.ofPlatform().name("l0-upload").daemon().unstarted(r));
  private final BlockingQueue<Prepared> toCommit = new ArrayBlockingQueue<>(GROUPS_IN_FLIGHT - 1);
  private final ConcurrentLinkedQueue<Committed> committed = new ConcurrentLinkedQueue<>();
  private final Thread committer;
  private volatile Throwable failure;
  private volatile boolean running = true;

  /** The manifest after every committed group (reads and snapshots use it). */
  private Manifest manifest;

  private long manifestLogOffset;

  ActiveWriter(
      WriterConfig config,
      ObjectStore store,
      WriteLog writeLog,
      InstantSource clock,
      RandomGenerator random,
      WriterMetrics metrics,
      String clientId,
      WarmStandby warm) {
    long start = System.nanoTime();
    this.clock = clock;
    this.writeLog = writeLog;
    this.metrics = metrics;
    this.publisher = new Publisher(config.bootstrap(), config.names(), clientId);
    long published = System.nanoTime();
    long claimed;
    try {
      Decider.Bounds bounds = config.decisions();
      // A warm standby kept the state up to date: only the last deltas are left to read.
      WarmStandby standby =
          warm != null
              ? warm
              : WarmStandby.start(
                  store,
                  config.bootstrap(),
                  config.names(),
                  s -> RequestBook.of(s, bounds),
                  Writer.tables(store, config));
      this.tables = standby.tables();
      Recovery.State state = Recovery.claim(standby, publisher, clock, Duration.ofSeconds(60));
      claimed = System.nanoTime();
      this.manifest = state.manifest();
      this.manifestLogOffset = state.manifestLogOffset();
      this.book = state.book();
      this.epoch = manifest.writerEpoch();
      checkLogCovers(manifest.appliedVersion() + 1);
      this.uploader = new L0Uploader(store, random);
      this.decider =
          new Decider(
              manifest,
              epoch,
              book,
              new KeyStates(LsmView.open(manifest, tables), config.keyCacheBytes()),
              lastVersion -> uploader.newKey(lastVersion, epoch),
              config.sstOptions(),
              bounds);
      this.snapshots =
          new SnapshotKeeper(
              store,
              clock,
              config.snapshotEveryDeltas(),
              config.snapshotEvery(),
              state.snapshotId());
      writeLog.seek(manifest.appliedVersion() + 1);
    } catch (RuntimeException e) {
      if (warm != null) {
        warm.close();
      }
      publisher.close();
      uploads.shutdownNow();
      throw e;
    }
    // Its records held back belong to this role's position in the log: it lives as long as we do.
    this.groups =
        new GroupCollector(
            writeLog,
            config.groups(),
            () -> toCommit.remainingCapacity() == 0,
            () -> decider.prepared().l0().size(),
            SYSTEM_TIME);
    this.committer = Thread.ofPlatform().name("committer").daemon().start(this::commitLoop);
    metrics.recoveries.inc();
    metrics.recoverySeconds.observeNanos(System.nanoTime() - start);
    long now = System.nanoTime();
    log.info(
        "active writer in {} ms (publisher {} ms, claim {} ms, the rest {} ms), epoch {}: manifest {} (applied version {}, {} L0 + {} L1 objects), {} remembered requests; resuming at offset {}",
        (now - start) / 1_000_000,
        (published - start) / 1_000_000,
        (claimed - published) / 1_000_000,
        (now - claimed) / 1_000_000,
        epoch,
        manifest.id(),
        manifest.appliedVersion(),
        manifest.l0().size(),
        manifest.l1().size(),
        book.size(),
        manifest.appliedVersion() + 1);
  }

  /**
   * The write log must still hold the next record to decide, and not end before it: otherwise
   * acknowledged writes are gone, or versions would be reused.
   */
  private void checkLogCovers(long next) {
    TopicPartition writes = writeLog.partition();
    long begin = writeLog.beginningOffset();
    long end = writeLog.endOffset();
    if (end < next) {
      throw new LogGapException(
          "the write log "
              + writes
              + " ends at "
              + end
              + " but the manifest has applied version "
              + (next - 1)
              + ": the Kafka topics were reset or belong to another database; refusing to reuse versions");
    }
    if (begin > next) {
      throw new LogGapException(
          "the write log "
              + writes
              + " begins at "
              + begin
              + " but the manifest has applied only up to version "
              + (next - 1)
              + ": records "
              + next
              + ".."
              + (begin - 1)
              + " were deleted (retention) before the writer applied them; refusing to skip them");
    }
  }

  /** Decides one group of consecutive write-log records and hands it to the committer. */
  void process(List<ConsumerRecord<byte[], byte[]>> records) {
    long start = System.nanoTime();
    applyCommitted();
    long now = clock.millis();
    List<LogRecord> input = new ArrayList<>(records.size());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      metrics.recordAge.observeNanos(Math.max(0, now - r.timestamp()) * 1_000_000);
      input.add(new LogRecord(r.offset(), r.timestamp(), r.value()));
    }
    Decider.Decision d = decider.decide(input);
    if (d.consumed() < records.size()) {
      groups.pushBack(records.subList(d.consumed(), records.size()));
    }
    count(d);
    CompletableFuture<Void> upload = CompletableFuture.completedFuture(null);
    GroupCommit.L0Object l0 = d.l0();
    if (l0 != null) {
      long uploadStart = System.nanoTime();
      metrics.decideSeconds.observeNanos(uploadStart - start);
      upload =
          CompletableFuture.runAsync(
              () -> {
                uploader.upload(l0.key(), l0.bytes());
                metrics.uploadSeconds.observeNanos(System.nanoTime() - uploadStart);
                metrics.l0Objects.inc();
                metrics.l0Bytes.add(l0.bytes().length);
              },
              uploads);
    }
    hand(new Prepared(d, upload, start));
  }

  private void count(Decider.Decision d) {
    metrics.records.add(d.consumed());
    for (Decider.Tally t : Decider.Tally.values()) {
      metrics.tally(t).add(d.count(t));
    }
  }

  /** The next group of the write log, or an empty list when it stayed quiet. */
  List<ConsumerRecord<byte[], byte[]>> nextGroup() {
    return groups.next();
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

  private static final NanoTime SYSTEM_TIME =
      new NanoTime() {
        @Override
        public long now() {
          return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) {
          LockSupport.parkNanos(nanos);
        }
      };

  /** Put on the committer's queue by {@link #close}: it waits on the queue and nothing else. */
  private static final Prepared STOP = new Prepared(null, null, 0);

  private void commitLoop() {
    while (running) {
      Prepared p;
      try {
        p = toCommit.take();
      } catch (InterruptedException e) {
        return;
      }
      if (STOP.equals(p)) {
        return;
      }
      try {
        long publishStart = System.nanoTime();
        Decider.Decision d = p.decision();
        p.upload.join(); // the object is durable before the manifest that names it
        long offset = publisher.publish(d.delta(), p.replies(), copies(d.l0()));
        metrics.publishSeconds.observeNanos(System.nanoTime() - publishStart);
        metrics.groups.inc();
        metrics.groupSeconds.observeNanos(System.nanoTime() - p.started);
        committed.add(new Committed(p, offset, committedView(p)));
      } catch (RuntimeException | Error e) {
        failure = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return;
      }
    }
  }

  /**
   * New L0 objects up to this size travel in their delta as well: followers (replicas, a standby
   * writer) then have them without a GET each, and a replica's strong read after a write does not
   * wait for one. Groups under light load are a few KiB; larger ones are read from the store.
   */
  static final int COPY_OBJECTS_UP_TO = 64 * 1024;

  private static Map<String, byte[]> copies(GroupCommit.L0Object l0) {
    return l0 != null && l0.bytes().length <= COPY_OBJECTS_UP_TO
        ? Map.of(l0.key(), l0.bytes())
        : Map.of();
  }

  /**
   * The view of the database after {@code p}. All changes to the table cache happen here, on the
   * committer thread (the writer thread only reads through views, which hold their tables).
   */
  private LsmView committedView(Prepared p) {
    Decider.Decision d = p.decision();
    if (d.l0() != null) {
      tables.registerFromBytes(d.l0().info(), d.l0().bytes());
    }
    if (d.delta().edits().stream().anyMatch(e -> e instanceof ManifestEdit.Compaction)) {
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

  /** Moves what the committer finished into the committed view, request book and key cache. */
  private void applyCommitted() {
    checkFailure();
    boolean changed = false;
    for (Committed c; (c = committed.poll()) != null; ) {
      Prepared p = c.group();
      manifest = p.manifest();
      manifestLogOffset = c.deltaOffset();
      decider.committed(p.decision(), c.view());
      changed = true;
    }
    if (changed) {
      snapshots.maybeSnapshot(manifest, manifestLogOffset, () -> book.snapshot(manifest.id()));
    }
  }

  /** Nothing new in the log: finish what committed, and take a snapshot that is due by time. */
  void idle() {
    applyCommitted();
    snapshots.maybeSnapshot(manifest, manifestLogOffset, () -> book.snapshot(manifest.id()));
  }

  /**
   * Whether every group decided has committed and been applied, and no record waits for a group:
   * the role may end without losing work, and the log continues at {@link #nextOffset()}.
   */
  boolean settled() {
    applyCommitted();
    return toCommit.isEmpty()
        && committed.isEmpty()
        && !groups.holdsRecords()
        && decider.prepared().appliedVersion() == manifest.appliedVersion();
  }

  /** The write-log offset after the last record applied. */
  long nextOffset() {
    return manifest.appliedVersion() + 1;
  }

  WriterStatus.Active status() {
    return new WriterStatus.Active(
        epoch, ManifestSummary.of(manifest), tables.openCount(), book.size(), snapshots.written());
  }

  @Override
  public void close() {
    running = false;
    // A full queue holds a group, so the committer is not waiting on it and sees running first.
    toCommit.offer(STOP);
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
