package io.objectkv.compactor;

import io.objectkv.compactor.gc.GarbageCollector;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionJob;
import io.objectkv.compactor.plan.CompactionPlanner;
import io.objectkv.compactor.submit.CompactionSubmitter;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.ManifestFollower;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor process's loop: follows the manifest, compacts when L0 passes its threshold (merge,
 * upload, hand to the writer, wait for its decision), and collects garbage. Stateless across
 * restarts: everything it needs is in the manifest, the write log and the object store, so a crash
 * at any step leaves at worst orphan objects that a later pass deletes.
 */
public final class Compactor implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Compactor.class);

  private final CompactorConfig config;
  private final ObjectStore store;
  private final Admin admin;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final CompactionMerger.Step step;
  private final CompactorMetrics metrics;
  private final CompactionMerger merger;
  private final Instant started;
  private final Map<String, Instant> removedAt = new ConcurrentHashMap<>();
  private final Map<String, Long> logicalBytes = new ConcurrentHashMap<>();
  private volatile Manifest manifest = Manifest.EMPTY;
  private volatile boolean running = true;
  private volatile String lastError = "";
  private Instant nextGc;

  public Compactor(
      CompactorConfig config,
      ObjectStore store,
      Admin admin,
      InstantSource clock,
      RandomGenerator random,
      Metrics metrics,
      CompactionMerger.Step step) {
    this.config = config;
    this.store = store;
    this.admin = admin;
    this.clock = clock;
    this.random = random;
    this.step = step;
    this.metrics = new CompactorMetrics(metrics);
    this.merger =
        new CompactionMerger(
            store,
            config.tempDir(),
            config.sstOptions(),
            config.policy().targetL1Bytes(),
            config.readAhead());
    this.started = clock.instant();
    this.nextGc = started;
    metrics.gauge(
        "objectkv_compactor_l0_objects", "L0 objects in the manifest.", () -> manifest.l0().size());
    metrics.gauge(
        "objectkv_compactor_l1_objects", "L1 objects in the manifest.", () -> manifest.l1().size());
    metrics.gauge(
        "objectkv_compactor_write_amplification",
        "(L0 bytes + L1 bytes written) / L0 bytes, since start.",
        this::writeAmplification);
    metrics.gauge(
        "objectkv_compactor_space_amplification",
        "Bytes stored / estimated live logical bytes.",
        this::spaceAmplification);
  }

  @Override
  public void run() {
    try (CompactionSubmitter submitter =
            new CompactionSubmitter(config.bootstrap(), config.names());
        ManifestFollower follower =
            ManifestFollower.open(
                config.bootstrap(),
                config.names(),
                config.names().database() + "-compactor",
                Snapshots.newest(store))) {
      follow(follower, follower.catchUp(Duration.ofSeconds(60)));
      // A compaction submitted by an earlier run may still wait in the log: let the writer decide
      // it first.
      CompactionSubmitter.Pending pending = submitter.pendingAfter(manifest.appliedVersion());
      awaitDecision(follower, pending.lastOffset());
      while (running) {
        follow(follower, follower.poll(Duration.ofMillis(200)));
        if (!clock.instant().isBefore(nextGc)) {
          collectGarbage(submitter);
          nextGc = clock.instant().plus(config.gcInterval());
        }
        Optional<CompactionJob> job = CompactionPlanner.plan(manifest, config.policy());
        if (job.isPresent()) {
          compact(job.get(), submitter, follower);
        }
      }
    } catch (RuntimeException e) {
      if (running) {
        lastError = e.toString();
        log.error("compactor stopped: {}", e.toString(), e);
      }
    }
  }

  private void follow(ManifestFollower follower, List<ManifestDelta> deltas) {
    Instant now = clock.instant();
    for (ManifestDelta d : deltas) {
      for (ManifestEdit e : d.edits()) {
        switch (e) {
          case ManifestEdit.AddL0 add -> metrics.l0Ingested.add(add.sst().sizeBytes());
          case ManifestEdit.Compaction c -> {
            c.removedL0().forEach(k -> removedAt.put(k, now));
            c.removedL1()
                .forEach(
                    k -> {
                      removedAt.put(k, now);
                      logicalBytes.remove(k);
                    });
          }
        }
      }
    }
    manifest = follower.manifest();
  }

  /** Merges, uploads, submits, and waits until the writer applied or rejected the result. */
  void compact(CompactionJob job, CompactionSubmitter submitter, ManifestFollower follower) {
    long start = System.nanoTime();
    String id =
        String.format("%020d-%s", job.basedOn(), HexFormat.of().toHexDigits(random.nextLong()));
    log.info(
        "compaction {}: {} L0 + {} L1 objects, {} bytes",
        id,
        job.l0().size(),
        job.l1().size(),
        job.inputBytes());
    CompactionMerger.Result result = merger.merge(job, id, step);
    metrics.runs.inc();
    metrics.bytesRead.add(result.bytesRead());
    metrics.bytesWritten.add(result.bytesWritten());
    metrics.entriesIn.add(result.entriesIn());
    metrics.entriesOut.add(result.entriesOut());
    step.reached("merged");
    long offset =
        submitter.submit(
            new LogCommand.CompactionCommit(
                id,
                job.l0().stream().map(SstInfo::key).toList(),
                job.l1().stream().map(SstInfo::key).toList(),
                result.outputs()));
    step.reached("submitted");
    awaitDecision(follower, offset);
    boolean applied =
        result.outputs().stream().allMatch(o -> manifest.l1().contains(o))
            && !manifest.containsAll(List.of(job.l0().getFirst().key()), List.of());
    if (applied) {
      metrics.applied.inc();
      long perOutput =
          result.outputs().isEmpty() ? 0 : result.logicalBytesOut() / result.outputs().size();
      result.outputs().forEach(o -> logicalBytes.put(o.key(), perOutput));
    } else {
      metrics.rejected.inc();
      log.info("compaction {} was not applied (its inputs changed); its outputs are orphans", id);
    }
    metrics.seconds.observeNanos(System.nanoTime() - start);
    log.info(
        "compaction {} {}: {} entries in, {} out, {} bytes read, {} written, {} ms",
        id,
        applied ? "applied" : "rejected",
        result.entriesIn(),
        result.entriesOut(),
        result.bytesRead(),
        result.bytesWritten(),
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Follows the manifest until the writer has decided on the write-log record at {@code offset}.
   */
  private void awaitDecision(ManifestFollower follower, long offset) {
    while (running && manifest.appliedVersion() < offset) {
      follow(follower, follower.poll(Duration.ofMillis(200)));
    }
  }

  /** One garbage-collection pass. */
  void collectGarbage(CompactionSubmitter submitter) {
    Manifest m = manifest;
    CompactionSubmitter.Pending pending = submitter.pendingAfter(m.appliedVersion());
    List<ObjectInfo> objects = new ArrayList<>();
    for (String prefix :
        List.of(ObjectNames.L0_PREFIX, ObjectNames.L1_PREFIX, ObjectNames.SNAPSHOT_PREFIX)) {
      objects.addAll(store.list(prefix));
    }
    List<String> delete =
        GarbageCollector.deletable(
            objects,
            m.objectKeys(),
            removedAt,
            started,
            pending.outputs(),
            clock.instant(),
            config.gcGrace(),
            config.keepSnapshots());
    metrics.gcRuns.inc();
    if (config.gcDryRun()) {
      delete.forEach(k -> log.info("gc (dry run): would delete {}", k));
      return;
    }
    for (String key : delete) {
      store.delete(key);
      removedAt.remove(key);
      metrics.gcDeleted.inc();
    }
    if (!delete.isEmpty()) {
      log.info("gc: deleted {} objects", delete.size());
    }
    trimManifestLog();
  }

  /** Deletes manifest-log records that even the oldest kept snapshot no longer needs. */
  private void trimManifestLog() {
    List<String> snapshots = Snapshots.list(store);
    if (snapshots.size() < config.keepSnapshots()) {
      return;
    }
    String oldestKept = snapshots.get(snapshots.size() - config.keepSnapshots());
    try {
      long logOffset = ManifestCodec.decodeSnapshot(oldestKept, store.get(oldestKept)).logOffset();
      if (logOffset >= 0) {
        admin
            .deleteRecords(
                Map.of(
                    new TopicPartition(config.names().manifest(), 0),
                    RecordsToDelete.beforeOffset(logOffset + 1)))
            .all()
            .get();
      }
    } catch (Exception e) {
      log.warn("could not trim the manifest log: {}", e.toString());
    }
  }

  double writeAmplification() {
    long in = metrics.l0Ingested.get();
    return in == 0 ? 0 : (double) (in + metrics.bytesWritten.get()) / in;
  }

  double spaceAmplification() {
    Manifest m = manifest;
    long known = 0;
    long knownEntries = 0;
    for (SstInfo s : m.l1()) {
      Long b = logicalBytes.get(s.key());
      if (b != null) {
        known += b;
        knownEntries += s.entryCount();
      }
    }
    double perEntry = knownEntries == 0 ? 0 : (double) known / knownEntries;
    double estimate = m.l0Bytes();
    for (SstInfo s : m.l1()) {
      Long b = logicalBytes.get(s.key());
      estimate += b != null ? b : perEntry > 0 ? perEntry * s.entryCount() : s.sizeBytes();
    }
    return estimate == 0 ? 0 : (m.l0Bytes() + m.l1Bytes()) / estimate;
  }

  public Map<String, Object> status() {
    Manifest m = manifest;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("process", "compactor");
    s.put("manifestVersion", m.id());
    s.put("appliedVersion", m.appliedVersion());
    s.put("l0Objects", m.l0().size());
    s.put("l0Bytes", m.l0Bytes());
    s.put("l1Objects", m.l1().size());
    s.put("l1Bytes", m.l1Bytes());
    s.put("compactions", metrics.runs.get());
    s.put("bytesRead", metrics.bytesRead.get());
    s.put("bytesWritten", metrics.bytesWritten.get());
    s.put("writeAmplification", writeAmplification());
    s.put("spaceAmplification", spaceAmplification());
    s.put("gcDeleted", metrics.gcDeleted.get());
    s.put("lastError", lastError);
    return s;
  }

  public Manifest manifest() {
    return manifest;
  }

  @Override
  public void close() {
    running = false;
  }
}
