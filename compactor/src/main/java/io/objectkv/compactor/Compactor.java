package io.objectkv.compactor;

import io.objectkv.compactor.gc.GarbageCollector;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.merge.KeptOutputs;
import io.objectkv.compactor.plan.CompactionJob;
import io.objectkv.compactor.plan.CompactionPlanner;
import io.objectkv.compactor.plan.L0Ages;
import io.objectkv.compactor.submit.CompactionSubmitter;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSummary;
import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.health.Liveness;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactor process's loop: follows the manifest, starts compactions as they fall due (merge,
 * upload, hand to the writer, wait for its decision; one into L1 and two tier merges at a time,
 * side by side), and collects garbage. Stateless across restarts: everything it needs is in the
 * manifest, the write log and the object store, so a crash at any step leaves at worst orphan
 * objects that a later pass deletes.
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
  private final KeptOutputs kept;
  private final Instant started;
  private final Map<String, GarbageCollector.Removal> removals = new ConcurrentHashMap<>();
  private final L0Ages l0Ages = new L0Ages();
  private volatile Manifest manifest = Manifest.EMPTY;

  /**
   * Notified whenever the loop followed the manifest log (compactions wait on it for decisions).
   */
  private final Object manifestMoved = new Object();

  /**
   * The loop's polls are paced to take about this many deltas each while no compaction waits for a
   * decision. Polled again at once, the follower fetched one delta per poll: at one client's writes
   * (about 160 deltas a second) the loop thread used 0.11 cores, 84% of it in {@code
   * KafkaConsumer.poll}, and each poll was a fetch for the broker too. The pace follows the delta
   * rate, so the L0 objects the loop has not seen stay about this many (a fixed 100 ms let L0 pass
   * the writer's slowdown point: p99 of one client's puts 126 ms against 16-19). A compaction's
   * decision is not paced (a 50 ms pace for everything made merges wait 108 ms for theirs instead
   * of 34 ms): a waiting compaction makes the loop poll at once ({@link #awaitDecision}).
   * docs/design.md ("Compaction") has the figures.
   */
  static final int DELTAS_PER_POLL = 4;

  /** The longest pace, for a slow trickle of deltas. */
  static final Duration FOLLOW_PACE = Duration.ofMillis(100);

  /** Guards {@link #awaitingDecisions}; the paced loop waits on it. */
  private final Object pace = new Object();

  /** Compactions waiting for the writer's decision; while there are any, the loop is not paced. */
  private int awaitingDecisions;

  /** A manifest log time, and when (System.nanoTime) this session saw a delta bring it. */
  private record LogTimeSeen(long logTimeMillis, long seenAtNanos) {}

  /** The newest log time a delta brought while the session followed the log live (null: none). */
  private volatile LogTimeSeen liveLogTime;

  private volatile boolean running = true;
  private volatile String lastError = "";
  private final Liveness.Worker worker;
  private Instant nextGc;

  /**
   * The manifest the last full pass saw, when no later pass could delete anything before the
   * manifest changes ({@link GarbageCollector#settled}; null otherwise): a quiet database is then
   * not listed (no S3 request) except every {@link #QUIET_GC_EVERY}.
   */
  private Long cleanAt;

  private Instant lastFullGc = Instant.EPOCH;

  /**
   * How often a database whose manifest did not change is collected anyway: a writer that crashed
   * between its upload and its commit leaves an object no manifest change announces.
   */
  static final Duration QUIET_GC_EVERY = Duration.ofHours(6);

  /**
   * Bytes in the store: the last listing's, plus the objects deltas added since, minus those the GC
   * deleted since (null before the first listing).
   */
  private volatile Long storedBytes;

  /**
   * Whether {@link #storedBytes} follows the deltas: not before the session's first listing, since
   * a session catches up from a snapshot on deltas the last listing may have seen.
   */
  private boolean storedBytesFollowed;

  /**
   * Objects the last listing found that neither the manifest named nor had left it: uploads whose
   * commit may still come (a delta that adds one does not count it again) and orphans.
   */
  private Set<String> listedUnnamed = new HashSet<>();

  /**
   * This compactor's outputs in the store that {@link #storedBytes} does not count yet: from their
   * upload until the delta that adds them, or, for a compaction not applied, until a listing finds
   * them. Without them the figure fell short during every merge and its decision, by a whole L1's
   * size during a long compaction into L1. Written by compaction threads, read by the loop.
   */
  private final Map<String, Long> uploadedUncounted = new ConcurrentHashMap<>();

  /** Where the loop parked in the manifest log (0 before it ever ran), and when. */
  private volatile long parkedAt;

  private volatile Instant parkedSince;

  private volatile boolean parked;

  public Compactor(
      CompactorConfig config,
      ObjectStore store,
      Admin admin,
      InstantSource clock,
      RandomGenerator random,
      Metrics metrics,
      Liveness liveness,
      CompactionMerger.Step step) {
    this.config = config;
    // Every loop, merge progress, GC deletion and wait for the writer beats; a session that fails
    // keeps retrying, and says so here once it has been failing this long.
    this.worker =
        liveness.worker("compactor of " + config.names().database(), Duration.ofMinutes(2));
    worker.retire(); // watched while run() runs: a loop that never ran or parked has no thread
    this.store = store;
    this.admin = admin;
    this.clock = clock;
    this.random = random;
    this.step = step;
    this.metrics = new CompactorMetrics(metrics);
    this.kept = new KeptOutputs(config.tempDir().resolve("kept"), config.keptOutputBytes());
    this.merger =
        new CompactionMerger(
            store,
            config.tempDir(),
            config.sstOptions(),
            config.policy().targetL1Bytes(),
            config.readAhead(),
            kept);
    this.started = clock.instant();
    this.nextGc = started;
    this.parkedSince = started;
    metrics.gauge(
        "objectkv_compactor_l0_objects", "L0 objects in the manifest.", () -> manifest.l0().size());
    metrics.gauge(
        "objectkv_compactor_l1_objects", "L1 objects in the manifest.", () -> manifest.l1().size());
    metrics.gauge(
        "objectkv_compactor_write_amplification",
        "(L0 bytes + L1 bytes written) / L0 bytes, since start.",
        this::writeAmplification);
    metrics.gauge(
        "objectkv_compactor_kept_output_bytes",
        "Bytes kept for later merges: this compactor's outputs on local disk, and in memory the"
            + " new L0 objects whose copies came in their deltas.",
        () -> kept.bytes());
    metrics.gauge(
        "objectkv_compactor_kept_output_read_bytes",
        "Bytes merges read from kept outputs instead of the object store, since start.",
        () -> kept.bytesServed());
    metrics.gauge(
        "objectkv_compactor_space_amplification",
        "Bytes stored / bytes of L1 (1.0 when all is compacted).",
        this::spaceAmplification);
  }

  /**
   * Runs compaction sessions until closed. A session that fails (Kafka or S3 errors past their
   * retries, a gap in the manifest log after a trim, an unknown outcome) is logged and a new one
   * starts from the newest snapshot after a backoff: the compactor keeps no state a restart needs.
   * Only a VirtualMachineError ends it (the process exits; see ProcessMain).
   */
  @Override
  public void run() {
    worker.resume();
    parked = false;
    try {
      runSessions();
    } finally {
      worker.retire(); // closed, or parked: a parked loop is not expected to beat
    }
  }

  private void runSessions() {
    Duration backoff = MIN_BACKOFF;
    while (running) {
      try {
        session();
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        lastError = e.toString();
        metrics.failures.inc();
        worker.trouble(e.toString());
        log.error("compaction session failed; starting again in {}: {}", backoff, e.toString(), e);
        Pause.pause(backoff);
        backoff =
            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : backoff.multipliedBy(2);
      }
    }
  }

  private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  private void session() {
    try (CompactionSubmitter submitter =
            new CompactionSubmitter(config.bootstrap(), config.names());
        ManifestFollower follower =
            ManifestFollower.open(
                config.bootstrap(),
                config.names(),
                config.names().database() + "-compactor",
                Snapshots.newest(store, ManifestCodec.Ledger.SKIP),
                KafkaClients.FORWARD_FETCH_WAIT); // one database of many idles cheaply
        RunningCompactions jobs = new RunningCompactions()) {
      liveLogTime = null; // what catching up reads may be old
      storedBytesFollowed = false;
      Manifest snapshot = follower.manifest();
      follow(follower, snapshot, follower.catchUp(Duration.ofSeconds(60)), follower.copies());
      Instant quietSince = clock.instant();
      long lastPoll = System.nanoTime();
      long paceNanos = 0;
      while (running) {
        worker.beat();
        boolean paced = paceFollow(lastPoll + paceNanos);
        long polled = System.nanoTime();
        // A quiet database's loop turns once a second; a delta ends the wait at once.
        List<ManifestDelta> deltas =
            follower.poll(jobs.isEmpty() ? Duration.ofSeconds(1) : Duration.ofMillis(200));
        Map<String, byte[]> copies = follower.copies();
        if (paced && !deltas.isEmpty()) {
          // That poll answered from the fetch the consumer sent after the poll before, which the
          // broker answered at the pace's first delta: the others are one fetch away, at once.
          deltas = new ArrayList<>(deltas);
          deltas.addAll(follower.poll(REST_OF_PACE));
          copies = new HashMap<>(copies);
          copies.putAll(follower.copies());
        }
        paceNanos = nextPace(System.nanoTime() - lastPoll, deltas.size());
        lastPoll = polled;
        follow(follower, manifest, deltas, copies);
        if (!deltas.isEmpty()) {
          liveLogTime = new LogTimeSeen(manifest.logTimeMillis(), System.nanoTime());
        }
        jobs.rethrowFailures();
        if (!clock.instant().isBefore(nextGc)) {
          collectGarbage(follower);
          nextGc = clock.instant().plus(config.gcInterval());
        }
        startJobs(jobs, submitter);
        if (!deltas.isEmpty() || !jobs.isEmpty()) {
          quietSince = clock.instant();
        } else if (parks(quietSince)) {
          parkedAt = follower.position();
          parkedSince = clock.instant();
          parked = true;
          kept.forgetCopies(); // a parked database's memory is its manifest alone
          log.info(
              "{}: quiet and clean; parked at manifest log offset {}",
              config.names().manifest(),
              parkedAt);
          return;
        }
      }
    }
  }

  /**
   * A loop parks when its database was quiet for the configured time with nothing running and
   * nothing to collect until the manifest moves ({@link GarbageCollector#settled}): what it would
   * do next waits for a manifest record, which {@link #due} watches for without a loop.
   */
  private boolean parks(Instant quietSince) {
    Duration after = config.parkAfter();
    return after != null
        && cleanAt != null
        && cleanAt == manifest.id()
        && !clock.instant().isBefore(quietSince.plus(after));
  }

  /**
   * Whether a parked loop (or one not yet started) should run: its manifest log's end is past where
   * it parked, or the quiet database's periodic collection is due.
   *
   * @param logEnd the end of the committed records of the database's manifest log
   */
  public boolean due(long logEnd) {
    return logEnd > parkedAt || !clock.instant().isBefore(parkedSince.plus(QUIET_GC_EVERY));
  }

  /** Tier merges at once: a long merge of large objects does not hold up the small ones. */
  private static final int TIER_MERGES_SIDE_BY_SIDE = 2;

  /**
   * Starts what is due: at most one compaction into L1 and {@value #TIER_MERGES_SIDE_BY_SIDE} tier
   * merges merging at a time (more may wait for the writer's decision, a fifth to a third of a
   * small merge's time, which takes no work), side by side, over disjoint inputs. A compaction into
   * L1 can take minutes on a large database, and groups keep coming meanwhile: tier merges of the
   * objects after its inputs keep L0 small until it is done. A compaction into L1 waits for running
   * tier merges (seconds), so their inputs never overlap; no new tier merge starts while it waits.
   */
  private void startJobs(RunningCompactions jobs, CompactionSubmitter submitter) {
    Manifest m = manifest;
    if (!jobs.runningIntoL1()) {
      Optional<CompactionJob> job = CompactionPlanner.intoL1(m, config.policy(), l0Ages.oldest(m));
      if (job.isPresent()) {
        if (jobs.tierMergesRunning() == 0) {
          cleanAt = null; // a merge that fails leaves outputs no manifest names
          jobs.start(job.get(), () -> compact(job.get(), submitter, jobs));
        }
        return;
      }
    }
    while (jobs.tierMergesMerging() < TIER_MERGES_SIDE_BY_SIDE) {
      Optional<CompactionJob> job =
          CompactionPlanner.intoL0(m, config.policy(), jobs.busy(), jobs.runningIntoL1());
      if (job.isEmpty()) {
        return;
      }
      cleanAt = null;
      jobs.start(job.get(), () -> compact(job.get(), submitter, jobs));
    }
  }

  /**
   * Takes in the deltas a poll applied to {@code before}. A new L0 object whose copy came in its
   * delta ({@code copies}) is kept like an output of this compactor (in memory): the merge that
   * takes it in reads it from there instead of the store.
   */
  private void follow(
      ManifestFollower follower,
      Manifest before,
      List<ManifestDelta> deltas,
      Map<String, byte[]> copies) {
    Instant now = clock.instant();
    Map<String, Long> addedHere = new HashMap<>(); // sizes of the objects these deltas add
    Map<String, Long> sizesBefore = null; // of the manifest's objects, built for a compaction
    for (ManifestDelta d : deltas) {
      for (ManifestEdit e : d.edits()) {
        switch (e) {
          case ManifestEdit.AddL0 add -> {
            metrics.l0Ingested.add(add.sst().sizeBytes());
            added(add.sst(), addedHere);
            byte[] copy = copies.get(add.sst().key());
            if (copy != null) {
              kept.keepCopy(add.sst().key(), copy);
            }
          }
          case ManifestEdit.Compaction c -> {
            if (sizesBefore == null) {
              sizesBefore = sizes(before);
            }
            for (List<String> inputs : List.of(c.inputsL0(), c.inputsL1())) {
              for (String k : inputs) {
                Long bytes = addedHere.remove(k);
                removals.put(
                    k,
                    new GarbageCollector.Removal(
                        now, bytes != null ? bytes : sizesBefore.getOrDefault(k, 0L)));
              }
              kept.forget(inputs);
            }
            for (SstInfo output : c.outputs()) {
              added(output, addedHere);
            }
          }
        }
      }
      l0Ages.followed(d);
    }
    synchronized (manifestMoved) {
      manifest = follower.manifest();
      manifestMoved.notifyAll();
    }
  }

  private void added(SstInfo sst, Map<String, Long> addedHere) {
    addedHere.put(sst.key(), sst.sizeBytes());
    uploadedUncounted.remove(sst.key());
    // Followed only after a listing, which set storedBytes.
    if (storedBytesFollowed && !listedUnnamed.remove(sst.key())) {
      storedBytes = storedBytes + sst.sizeBytes();
    }
  }

  private static Map<String, Long> sizes(Manifest m) {
    Map<String, Long> sizes = new HashMap<>();
    for (List<SstInfo> level : List.of(m.l0(), m.l1())) {
      level.forEach(sst -> sizes.put(sst.key(), sst.sizeBytes()));
    }
    return sizes;
  }

  /**
   * Takes its start in log time, merges, uploads, submits, and waits until the writer applied or
   * rejected the result.
   */
  void compact(CompactionJob job, CompactionSubmitter submitter, RunningCompactions jobs) {
    long start = System.nanoTime();
    String id = HexFormat.of().toHexDigits(random.nextLong());
    long startedAt = startTime(id, submitter);
    log.info(
        "compaction {} into {}: {} L0 + {} L1 objects, {} bytes",
        id,
        job.into(),
        job.l0().size(),
        job.l1().size(),
        job.inputBytes());
    CompactionMerger.Result result =
        merger.merge(
            job,
            n -> ObjectNames.compactionOutput(job.into(), startedAt, id, n),
            s -> {
              worker.beat();
              step.reached(s);
            },
            output -> uploadedUncounted.put(output.key(), output.sizeBytes()),
            startedAt);
    metrics.runs.inc();
    metrics.bytesRead.add(result.bytesRead());
    metrics.written(job.into(), result.bytesWritten());
    metrics.entriesIn.add(result.entriesIn());
    metrics.entriesOut.add(result.entriesOut());
    step.reached("merged");
    long merged = System.nanoTime();
    if (Duration.ofNanos(merged - start).compareTo(config.compactionMaxAge()) >= 0) {
      metrics.rejected.inc();
      kept.forget(result.outputKeys());
      log.warn(
          "compaction {} took longer than {}: the writer would refuse it; its outputs are garbage",
          id,
          config.compactionMaxAge());
      return;
    }
    long offset =
        submitter.submit(
            new LogCommand.CompactionCommit(
                id,
                startedAt,
                job.l0().stream().map(SstInfo::key).toList(),
                job.l1().stream().map(SstInfo::key).toList(),
                result.outputs(),
                job.into()));
    jobs.submitted(job);
    step.reached("submitted");
    long submitted = System.nanoTime();
    awaitDecision(offset);
    List<SstInfo> level =
        switch (job.into()) {
          case L0 -> manifest.l0();
          case L1 -> manifest.l1();
        };
    boolean applied =
        level.containsAll(result.outputs())
            && !manifest.containsAll(List.of(job.l0().getFirst().key()), List.of());
    if (applied) {
      metrics.applied(job.into());
    } else {
      metrics.rejected.inc();
      kept.forget(result.outputKeys());
      log.info("compaction {} was not applied (its inputs changed); its outputs are orphans", id);
    }
    metrics.seconds.observeNanos(System.nanoTime() - start);
    long end = System.nanoTime();
    log.info(
        "compaction {} {}: {} entries in, {} out, {} bytes read, {} written, {} ms (merge {},"
            + " submit {}, decision {})",
        id,
        applied ? "applied" : "rejected",
        result.entriesIn(),
        result.entriesOut(),
        result.bytesRead(),
        result.bytesWritten(),
        (end - start) / 1_000_000,
        (merged - start) / 1_000_000,
        (submitted - merged) / 1_000_000,
        (end - submitted) / 1_000_000);
  }

  /**
   * A compaction's start in log time. It names the outputs and bounds when the writer accepts the
   * result and GC may delete them, and values expired by it are dropped; all that asks of it is to
   * be no later than the writer's log time at any later decision (docs/design.md, "GC is safe").
   * The log time of a delta seen arrive within a hundredth of the max age is that, and fresh enough
   * to leave the compaction its time; it spares a write-log record, and so a group and a delta, per
   * compaction. Otherwise (nothing seen live, or a quiet log) a start record in the write log marks
   * one.
   */
  private long startTime(String id, CompactionSubmitter submitter) {
    LogTimeSeen seen = liveLogTime;
    long freshNanos = config.compactionMaxAge().toNanos() / 100;
    if (seen != null && System.nanoTime() - seen.seenAtNanos() < freshNanos) {
      return seen.logTimeMillis();
    }
    return submitter.start(id);
  }

  /**
   * Waits until the session's loop has followed the manifest to the writer's decision on the
   * write-log record at {@code offset}. Waiting for the writer is not being stuck: the loop beats.
   */
  private void awaitDecision(long offset) {
    synchronized (pace) {
      awaitingDecisions++;
      pace.notifyAll();
    }
    try {
      synchronized (manifestMoved) {
        while (running && manifest.appliedVersion() < offset) {
          try {
            manifestMoved.wait(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(
                "interrupted while waiting for the writer's decision", e);
          }
        }
      }
    } finally {
      synchronized (pace) {
        awaitingDecisions--;
      }
    }
  }

  /**
   * The pace after a poll that took {@code deltas} deltas over {@code spanNanos} (since the poll
   * before started): what brings about {@link #DELTAS_PER_POLL} at that rate, at most {@link
   * #FOLLOW_PACE}; none after a poll without deltas (the next one waits at the broker anyway).
   */
  static long nextPace(long spanNanos, int deltas) {
    if (deltas == 0) {
      return 0;
    }
    return Math.min(FOLLOW_PACE.toNanos(), spanNanos * DELTAS_PER_POLL / deltas);
  }

  /** Longest the loop waits for the rest of a pace's deltas (they are at the broker already). */
  private static final Duration REST_OF_PACE = Duration.ofMillis(5);

  /**
   * Waits until {@code until} (System.nanoTime), unless or until a compaction waits for a decision.
   *
   * @return whether it waited
   */
  private boolean paceFollow(long until) {
    boolean waited = false;
    synchronized (pace) {
      long left;
      while (running && awaitingDecisions == 0 && (left = until - System.nanoTime()) > 0) {
        waited = true;
        try {
          TimeUnit.NANOSECONDS.timedWait(pace, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return waited;
        }
      }
    }
    return waited;
  }

  /** One garbage-collection pass. */
  void collectGarbage(ManifestFollower follower) {
    Manifest m = manifest;
    Instant now = clock.instant();
    // (Objects waiting in removals were weighed by the settled test: a removal after it is a new
    // manifest.)
    if (cleanAt != null && cleanAt == m.id() && now.isBefore(lastFullGc.plus(QUIET_GC_EVERY))) {
      return; // nothing changed since a pass that left no garbage
    }
    // A listing at least once per grace period, at a session's first pass, and whenever this
    // process knows of no removal to wait for: between them a pass weighs only the objects it saw
    // leave the manifest.
    boolean listing =
        !storedBytesFollowed
            || removals.isEmpty()
            || !now.isBefore(lastFullGc.plus(config.gcGrace()));
    List<ObjectInfo> objects;
    if (listing) {
      lastFullGc = now;
      objects = new ArrayList<>();
      for (String prefix :
          List.of(ObjectNames.L0_PREFIX, ObjectNames.L1_PREFIX, ObjectNames.SNAPSHOT_PREFIX)) {
        objects.addAll(store.list(prefix));
      }
      storedBytes = objects.stream().mapToLong(ObjectInfo::size).sum();
      storedBytesFollowed = true;
      // Inputs of compactions replayed at start may be long gone: only listed ones wait.
      Set<String> listed = new HashSet<>();
      objects.forEach(o -> listed.add(o.key()));
      removals.keySet().retainAll(listed);
      // An output whose upload ended after the listing stays uncounted by it. One that ended
      // before it but was noted after this removal counts twice until the delta adding it.
      uploadedUncounted.keySet().removeAll(listed);
      listed.removeAll(m.objectKeys());
      listed.removeAll(removals.keySet());
      listedUnnamed = listed;
    } else {
      objects = GarbageCollector.seenLeaving(removals);
    }
    GarbageCollector.Rules rules =
        new GarbageCollector.Rules(
            config.gcGrace(), config.compactionMaxAge(), config.keepSnapshots());
    List<ObjectInfo> delete =
        GarbageCollector.deletable(
            new GarbageCollector.Pass(objects, m, removals, started, now), rules);
    metrics.gcRuns.inc();
    if (config.gcDryRun()) {
      delete.forEach(o -> log.info("gc (dry run): would delete {}", o.key()));
      return;
    }
    int deleted = deleteInBatches(delete);
    if (deleted > 0) {
      log.info("gc: deleted {} of {} deletable objects", deleted, delete.size());
    }
    if (listing) {
      Set<ObjectInfo> deletedNow = Set.copyOf(delete.subList(0, deleted));
      List<ObjectInfo> left = objects.stream().filter(o -> !deletedNow.contains(o)).toList();
      cleanAt =
          GarbageCollector.settled(
                  new GarbageCollector.Pass(left, m, removals, started, now), rules)
              ? m.id()
              : null;
    }
    trimManifestLog(follower.position());
  }

  /** Longest one pass deletes before compaction gets its turn again (the rest waits a pass). */
  private static final Duration GC_PASS_BUDGET = Duration.ofSeconds(2);

  /**
   * Deletes {@code objects}, up to {@value ObjectStore#DELETE_ALL_MAX} per request, until the
   * pass's budget is spent. One request per object made deletion a third of all the S3 requests of
   * a steady write load (every object written is deleted once), and one at a time a slow store took
   * 87 s for 1,278 objects in a chaos run while L0 grew past 1,400 objects.
   *
   * @return how many were deleted
   */
  private int deleteInBatches(List<ObjectInfo> objects) {
    long deadline = System.nanoTime() + GC_PASS_BUDGET.toNanos();
    int deleted = 0;
    while (deleted < objects.size() && System.nanoTime() < deadline) {
      List<ObjectInfo> batch =
          objects.subList(deleted, Math.min(objects.size(), deleted + ObjectStore.DELETE_ALL_MAX));
      store.deleteAll(batch.stream().map(ObjectInfo::key).toList());
      storedBytes = storedBytes - batch.stream().mapToLong(ObjectInfo::size).sum();
      batch.forEach(o -> removals.remove(o.key()));
      metrics.gcDeleted.add(batch.size());
      deleted += batch.size();
      worker.beat();
    }
    return deleted;
  }

  /**
   * Deletes manifest-log records that even the oldest kept snapshot no longer needs, and never past
   * what this compactor's own follower has read ({@code followed}): a trim ahead of it would break
   * the log under its feet. Readers further behind restart from a snapshot.
   */
  private void trimManifestLog(long followed) {
    List<String> snapshots = Snapshots.list(store);
    if (snapshots.size() < config.keepSnapshots()) {
      return;
    }
    String oldestKept = snapshots.get(snapshots.size() - config.keepSnapshots());
    try {
      long logOffset =
          ManifestCodec.decodeSnapshot(oldestKept, store.get(oldestKept), ManifestCodec.Ledger.SKIP)
              .logOffset();
      long before = Math.min(logOffset + 1, followed);
      if (before > 0) {
        admin
            .deleteRecords(
                Map.of(
                    new TopicPartition(config.names().manifest(), 0),
                    RecordsToDelete.beforeOffset(before)))
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

  /**
   * Bytes stored ÷ bytes of the last level: how many times the data is stored over one compacted
   * copy of it (L1 holds each live key once, without tombstones). 1.0 right after everything was
   * compacted, and while nothing has been (there is no compacted copy to compare with yet).
   */
  double spaceAmplification() {
    Manifest m = manifest;
    long l1 = m.l1Bytes();
    return l1 == 0 ? 1.0 : (double) (m.l0Bytes() + l1) / l1;
  }

  public CompactorStatus status() {
    Manifest m = manifest;
    return new CompactorStatus(
        "compactor",
        ManifestSummary.of(m),
        metrics.runs.get(),
        metrics.applied.get(),
        metrics.tierMerges(),
        metrics.rejected.get(),
        metrics.bytesRead.get(),
        metrics.bytesWritten.get(),
        writeAmplification(),
        spaceAmplification(),
        metrics.gcDeleted.get(),
        metrics.failures.get(),
        lastError);
  }

  /**
   * Bytes of every object of the database: its last listing's, kept up to date since with the
   * objects the manifest added, this compactor uploaded and the GC deleted (null before the first
   * listing). What only a listing finds (a writer's upload whose commit never came) counts from the
   * next.
   */
  public Long storedBytes() {
    Long listedAndFollowed = storedBytes;
    if (listedAndFollowed == null) {
      return null;
    }
    long uploaded = 0;
    for (long bytes : uploadedUncounted.values()) {
      uploaded += bytes;
    }
    return listedAndFollowed + uploaded;
  }

  /** Whether the loop parked (its run returned until {@link #due} says to run it again). */
  public boolean parked() {
    return parked;
  }

  public Manifest manifest() {
    return manifest;
  }

  @Override
  public void close() {
    running = false;
    worker.retire();
  }
}
