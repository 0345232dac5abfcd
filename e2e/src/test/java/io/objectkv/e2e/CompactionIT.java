package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.compactor.Compactor;
import io.objectkv.compactor.CompactorConfig;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.testkit.Poll;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction keeps every key exactly as it was, frees dead space, and survives crashes. */
class CompactionIT {
  static Cluster cluster;
  static Writer writer;
  static Api api;
  static Api replica;
  @TempDir static Path dir;
  static final TreeMap<String, String> model = new TreeMap<>();
  static final Random rnd = new Random(2026);
  static long lastVersion;

  /** Thrown from a step hook: the compactor dies there, leaving whatever it did behind. */
  static final class SimulatedCrash extends Error {
    SimulatedCrash(String step) {
      super("simulated crash at " + step);
    }
  }

  @BeforeAll
  static void start() {
    cluster = new Cluster("compaction");
    writer = cluster.startActiveWriter();
    replica = Cluster.api(cluster.startReader(dir.resolve("reader")));
    api = cluster.startGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @org.junit.jupiter.api.AfterEach
  void stopCompactors() throws Exception {
    cluster.stopCompactors();
  }

  /** Random batches of puts, overwrites and deletes over 300 keys, applied to the model too. */
  static void writeRound(int batches) {
    for (int b = 0; b < batches; b++) {
      StringBuilder ops = new StringBuilder();
      Map<String, String> effects = new java.util.LinkedHashMap<>();
      int n = 1 + rnd.nextInt(5);
      for (int i = 0; i < n; i++) {
        String key = String.format("k%03d", rnd.nextInt(300));
        if (rnd.nextInt(5) == 0) {
          ops.append(i == 0 ? "" : ",")
              .append("{\"op\": \"delete\", \"key\": \"")
              .append(key)
              .append("\"}");
          effects.put(key, null);
        } else {
          String value = key + "=" + "v".repeat(rnd.nextInt(300)) + b;
          ops.append(i == 0 ? "" : ",")
              .append("{\"op\": \"put\", \"key\": \"")
              .append(key)
              .append("\", \"value\": \"")
              .append(value)
              .append("\"}");
          effects.put(key, value);
        }
      }
      Api.Response r = api.batch("{\"ops\": [" + ops + "]}");
      assertEquals(200, r.status(), r.toString());
      lastVersion = r.version();
      effects.forEach(
          (k, v) -> {
            if (v == null) {
              model.remove(k);
            } else {
              model.put(k, v);
            }
          });
    }
  }

  /**
   * Writes until the manifest's log time is a compaction's max age past {@code sinceMillis}: log
   * time moves with the log only. 5 s of log time; the rest is room for a slow machine (CI runs
   * timed out at 30 s, with nothing to go on).
   */
  static void awaitLogTimePastMaxAge(long sinceMillis) {
    long[] seen = new long[2]; // the last log time read, and how many rounds read one
    Poll.until(
        Duration.ofSeconds(90),
        () ->
            "the log time to pass the compactions' max age (after "
                + seen[1]
                + " rounds the manifest's log time was "
                + (seen[0] - sinceMillis)
                + " ms past the start of the wait)",
        () -> {
          writeRound(1);
          seen[0] = cluster.inspector().manifest().logTimeMillis();
          seen[1]++;
          return seen[0] > sinceMillis + Cluster.COMPACTION_MAX_AGE.toMillis();
        });
  }

  /** Every key and a full scan, on a replica that has applied everything written. */
  static void verifyModel() {
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      keys.append(i == 0 ? "" : ",").append('"').append(String.format("k%03d", i)).append('"');
    }
    Api.Response got =
        replica.send(
            "POST", "/v1/get?minVersion=" + lastVersion, ("{\"keys\": [" + keys + "]}").getBytes());
    assertEquals(200, got.status(), got.toString());
    for (JsonNode item : got.json().get("items")) {
      String k = item.get("key").asText();
      assertEquals(model.get(k), item.has("value") ? item.get("value").asText() : null, "key " + k);
    }
    List<String> scanned = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response page =
          replica.send(
              "GET",
              "/v1/kv?prefix=k&limit=37&minVersion="
                  + lastVersion
                  + (cursor == null ? "" : "&cursor=" + cursor),
              null);
      for (JsonNode item : page.json().get("items")) {
        scanned.add(item.get("key").asText());
        assertEquals(model.get(item.get("key").asText()), item.get("value").asText());
      }
      cursor = page.json().get("cursor").isNull() ? null : page.json().get("cursor").asText();
    } while (cursor != null);
    assertEquals(List.copyOf(model.keySet()), scanned);
  }

  private static void awaitL0Below(int n) {
    Poll.until(
        Duration.ofSeconds(60),
        "L0 below " + n,
        () -> cluster.inspector().manifest().l0().size() < n);
  }

  @Test
  void everyKeyReadsAsBeforeAcrossManyCompactionsAndDeadSpaceIsFreed() throws Exception {
    Compactor compactor =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("tmp1")), CompactionMerger.Step.NONE);
    for (int round = 0; round < 8; round++) {
      writeRound(25);
      awaitL0Below(4);
      verifyModel();
    }
    assertTrue(compactor.status().compactions() >= 5, "compactions ran: " + compactor.status());
    compactor.close();

    // Compact everything: afterwards L1 holds exactly the live keys, one version each.
    CompactorConfig all =
        cluster.compactorConfig(dir.resolve("tmp2")).with(CompactionPolicy.eager(64, 4096));
    Compactor full = cluster.startCompactor(all, CompactionMerger.Step.NONE);
    awaitL0Below(1);
    Manifest m = cluster.inspector().manifest();
    assertEquals(
        model.size(),
        m.l1().stream().mapToLong(SstInfo::entryCount).sum(),
        "no tombstones, no overwritten versions");
    assertTrue(m.l1().size() > 1, "outputs cut at the target size");
    Poll.until(
        Duration.ofSeconds(10),
        "space amplification 1.0 once everything is compacted",
        () -> full.status().spaceAmplification() == 1.0);
    verifyModel();
    // The writer keeps the metadata of live objects only: what compaction replaced is let go.
    Poll.until(
        Duration.ofSeconds(10),
        "the writer's open tables to be the manifest's objects",
        () -> {
          WriterStatus.Active s = writer.status().active();
          return s != null
              && s.openTables() == m.l0().size() + m.l1().size()
              && s.manifest().manifestVersion() == m.id();
        });
    full.close();
  }

  /**
   * The compactor's stored-bytes figure (the cost meter's) follows the store between the GC's
   * listings, which come once per grace period: plus the objects the manifest added and the
   * compactor uploaded, minus those the GC deleted. Writes keep coming, so passes between listings
   * delete, and listings find uploads whose commits are on their way. Whenever store and figure
   * hold still, the figure may fall short only by the snapshots the writer wrote since the last
   * listing, and each write is followed by such a moment within a fraction of the grace period, so
   * a figure that drifted from the store shows before a listing puts it right.
   */
  @Test
  void theStoredBytesFollowTheStoreBetweenListings() throws Exception {
    Compactor compactor =
        cluster.startCompactor(
            cluster
                .compactorConfig(dir.resolve("stored"))
                .withGc(Duration.ofSeconds(3), Duration.ofMillis(250)),
            CompactionMerger.Step.NONE);
    long deletedBefore = compactor.status().gcDeleted();
    int rounds = 0;
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < until) {
      writeRound(1);
      // The writer's uploads count from their commit: the look waits for the compactor to follow
      // it. Merges, decisions and GC deletions keep moving store and figure for moments after.
      Poll.until(
          Duration.ofSeconds(10),
          "the compactor to follow the write at version " + lastVersion,
          () -> compactor.status().manifest().appliedVersion() >= lastVersion);
      List<StoredBytesCheck> looks = new ArrayList<>();
      Poll.until(
          Duration.ofSeconds(2),
          () -> "the figure to agree with the store once both held still: " + looks,
          () -> {
            StoredBytesCheck c = storedBytesCheck(compactor);
            if (c == null) {
              return false;
            }
            looks.add(c);
            return c.missing() >= 0 && c.missing() <= c.snapshots();
          });
      rounds++;
    }
    assertTrue(rounds >= 10, rounds + " rounds");
    assertTrue(
        compactor.status().gcDeleted() > deletedBefore,
        "the GC deleted meanwhile: " + compactor.status());
    compactor.close();
  }

  /**
   * The figure counts a compaction's output from its upload, not from the commit that follows the
   * merge and its decision: a compaction of the whole database, held once its output is in the
   * store, finds the figure short of the store by no more than the snapshots, while the held output
   * alone is more than they are. (Counted from the commit, the figure fell short during every
   * merge, and a CI run's looks found it so ten times in a row at one compaction a look.)
   */
  @Test
  void theStoredBytesCountACompactionsOutputFromItsUpload() throws Exception {
    writeRound(20);
    CountDownLatch uploaded = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Compactor compactor =
        cluster.startCompactor(
            cluster
                .compactorConfig(dir.resolve("held"))
                .with(CompactionPolicy.eager(64, 64L << 20)),
            step -> {
              if (step.equals("output-uploaded") && uploaded.getCount() > 0) {
                uploaded.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    try {
      assertTrue(uploaded.await(30, TimeUnit.SECONDS), "an output uploaded");
      Set<String> named = compactor.manifest().objectKeys();
      long held =
          cluster.store.list("l1/").stream()
              .filter(o -> !named.contains(o.key()))
              .mapToLong(ObjectInfo::size)
              .sum();
      StoredBytesCheck c = null;
      for (int look = 0; look < 20 && c == null; look++) {
        c = storedBytesCheck(compactor);
      }
      assertTrue(c != null, "the figure held still for a look");
      assertTrue(
          held > c.snapshots(), "the held output outweighs the snapshots: " + held + ", " + c);
      assertTrue(c.missing() <= c.snapshots(), "held output of " + held + " bytes: " + c);
    } finally {
      release.countDown();
    }
    awaitL0Below(1);
    verifyModel();
  }

  /**
   * The store's bytes against the compactor's figure, or null when either moved during the look.
   * The figure is read before and after a listing of the store, then the store is listed again: a
   * GC deletion is in the store a moment before it is in the figure, and looks that come right
   * after the compactor followed a write meet the GC pass that comes right after it, so a listing
   * between two equal readings of the figure alone found the figure above the store.
   */
  private record StoredBytesCheck(long figure, long ssts, long snapshots) {
    long missing() {
      return ssts + snapshots - figure;
    }
  }

  private static StoredBytesCheck storedBytesCheck(Compactor compactor) {
    Long before = compactor.storedBytes();
    StoreBytes listed = StoreBytes.list();
    Long after = compactor.storedBytes();
    return before != null && before.equals(after) && listed.equals(StoreBytes.list())
        ? new StoredBytesCheck(before, listed.ssts(), listed.snapshots())
        : null;
  }

  /** One listing of the store: bytes of L0 and L1 objects, and of snapshots. */
  private record StoreBytes(long ssts, long snapshots) {
    static StoreBytes list() {
      return new StoreBytes(bytes("l0/") + bytes("l1/"), bytes("manifest/"));
    }
  }

  private static long bytes(String prefix) {
    return cluster.store.list(prefix).stream().mapToLong(ObjectInfo::size).sum();
  }

  /**
   * A compaction takes its start in log time from a delta it saw arrive, with no record of its own
   * in the write log; one that starts from what it caught up on, having seen nothing arrive, marks
   * its start with a record. The writer applies both.
   */
  @Test
  void aCompactionStartsAtTheLogTimeOfADeltaItSawArriveElseMarksItsStart() throws Exception {
    writeRound(10); // L0 objects the compactor finds when it catches up
    long from = cluster.inspector().writeLogEnd();
    Compactor compactor =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("starts")).with(CompactionPolicy.eager(64, 4096)),
            CompactionMerger.Step.NONE);
    awaitL0Below(1);
    for (int round = 0; round < 4; round++) {
      writeRound(10);
      awaitL0Below(1);
    }
    verifyModel();
    List<LogCommand> log = cluster.inspector().writeLog(from);
    long starts = log.stream().filter(c -> c instanceof LogCommand.CompactionStart).count();
    long commits = log.stream().filter(c -> c instanceof LogCommand.CompactionCommit).count();
    assertTrue(starts >= 1, "the first compaction marked its start: " + starts);
    assertTrue(
        commits - starts >= 4,
        "compactions while deltas arrived took their start from one: "
            + commits
            + " commits, "
            + starts
            + " start records");
    assertTrue(compactor.status().compactions() >= 5, "applied: " + compactor.status());
  }

  @Test
  void aCrashAtAnyStepLosesNothingAndOrphansAreCollected() throws Exception {
    for (String crashAt : List.of("output-written", "output-uploaded", "merged", "submitted")) {
      writeRound(20);
      AtomicBoolean crashed = new AtomicBoolean();
      CompactorConfig config =
          cluster
              .compactorConfig(dir.resolve("crash-" + crashAt))
              .with(CompactionPolicy.eager(64, 4096));
      cluster.startCompactor(
          config,
          step -> {
            if (step.equals(crashAt) && crashed.compareAndSet(false, true)) {
              throw new SimulatedCrash(step);
            }
          });
      Poll.until(Duration.ofSeconds(60), "the compactor to crash at " + crashAt, crashed::get);
      Compactor next = cluster.startCompactor(config, CompactionMerger.Step.NONE);
      writeRound(5);
      awaitL0Below(1);
      verifyModel();
      next.close();
    }
    // Orphans of the crashed runs are collected once the grace period has passed, and, for
    // outputs of unfinished compactions, once the log time shows the writer would refuse them...
    awaitLogTimePastMaxAge(System.currentTimeMillis());
    Compactor gc =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("gc")), CompactionMerger.Step.NONE);
    Poll.until(
        Duration.ofSeconds(60),
        "every SST in the store to be referenced by the manifest",
        () -> {
          Set<String> live = cluster.inspector().manifest().objectKeys();
          Set<String> stored = new HashSet<>();
          for (String prefix : List.of("l0/", "l1/")) {
            cluster.store.list(prefix).stream().map(ObjectInfo::key).forEach(stored::add);
          }
          return live.equals(stored);
        });
    // ...and nothing a manifest references was deleted.
    for (String key : cluster.inspector().manifest().objectKeys()) {
      assertTrue(cluster.store.head(key).isPresent(), key);
    }
    verifyModel();
    gc.close();
  }

  /**
   * A compaction session that fails (an S3 error past its retries, an unknown outcome) is started
   * again; it used to end the compactor's thread for good while /health stayed 200.
   */
  @Test
  void aFailedCompactionSessionStartsAgain() throws Exception {
    AtomicBoolean failed = new AtomicBoolean();
    Compactor compactor =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("again")).with(CompactionPolicy.eager(64, 4096)),
            step -> {
              if (step.equals("merged") && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected: the store failed past its retries");
              }
            });
    writeRound(10);
    Poll.until(Duration.ofSeconds(60), "the session to fail once", failed::get);
    awaitL0Below(1);
    assertEquals(1, compactor.status().failures(), compactor.status().toString());
    assertTrue(compactor.status().lastError().contains("injected"), compactor.status().lastError());
    verifyModel();
    compactor.close();
  }

  @Test
  void readsNeverFailDuringCompactionAndGarbageCollection() throws Exception {
    Compactor compactor =
        cluster.startCompactor(
            cluster
                .compactorConfig(dir.resolve("tmp3"))
                .with(new CompactionPolicy(2, 0, 2, 1L << 30, Duration.ZERO, 0, 1, 64, 4096)),
            CompactionMerger.Step.NONE);
    AtomicBoolean stop = new AtomicBoolean();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong reads = new AtomicLong();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      readers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    Random r = new Random();
                    while (!stop.get()) {
                      Api.Response get =
                          replica.send("GET", Api.kv(String.format("k%03d", r.nextInt(300))), null);
                      Api.Response scan = replica.send("GET", "/v1/kv?prefix=k&limit=50", null);
                      if ((get.status() != 200 && get.status() != 404) || scan.status() != 200) {
                        failures.add(get + " / " + scan);
                      }
                      reads.incrementAndGet();
                    }
                  }));
    }
    long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
    while (System.nanoTime() < end) {
      writeRound(10);
    }
    stop.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertTrue(failures.isEmpty(), failures.size() + " failed reads, e.g. " + failures.peek());
    assertTrue(compactor.status().compactions() > 3, compactor.status().toString());
    assertTrue(
        compactor.status().gcDeleted() > 0, "GC deleted while reads ran: " + compactor.status());
    System.out.printf(
        "reads during compaction and GC: %d, failures: 0, compactions: %s%n",
        reads.get(), compactor.status().compactions());
    awaitL0Below(2);
    verifyModel();
    compactor.close();
  }

  /**
   * Tier merges (compactions into L0) over values, deletes and expiring values that L1 already
   * holds older versions of: every key reads as before while L0 is made of merged objects, the
   * merged objects hide what they must in L1, and a compaction into L1 takes them in afterwards.
   * The objects they replaced are collected.
   */
  @Test
  void tierMergesKeepEveryKeyAndTheirInputsAreCollected() throws Exception {
    Compactor first =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("tier0")).with(CompactionPolicy.eager(64, 4096)),
            CompactionMerger.Step.NONE);
    writeRound(30);
    awaitL0Below(1);
    first.close();
    // A ratio L0 never reaches, so only tier merges run: runs of 3 objects of one size class.
    Compactor tiers =
        cluster.startCompactor(
            cluster
                .compactorConfig(dir.resolve("tier1"))
                .with(new CompactionPolicy(4, 1000, 64, 0, Duration.ZERO, 3, 4096, 64, 4096)),
            CompactionMerger.Step.NONE);
    for (int round = 0; round < 6; round++) {
      writeRound(15);
      Api.Response expiring = api.send("PUT", Api.kv("k000") + "?ttlMs=1", "soon gone".getBytes());
      assertEquals(200, expiring.status(), expiring.toString());
      model.remove("k000"); // expired at once: it hides k000's older value in L1
      lastVersion = expiring.version();
      verifyModel();
    }
    Poll.until(
        Duration.ofSeconds(60),
        "tier merges to run",
        () -> tiers.status().tierMerges() >= 3 && cluster.inspector().manifest().l0().size() < 16);
    Manifest merged = cluster.inspector().manifest();
    assertTrue(
        merged.l0().stream().anyMatch(s -> s.key().startsWith("l0/t")),
        "L0 holds merged objects: " + merged.l0());
    assertTrue(merged.l1().size() > 0);
    verifyModel();
    tiers.close();

    Compactor all =
        cluster.startCompactor(
            cluster.compactorConfig(dir.resolve("tier2")).with(CompactionPolicy.eager(64, 4096)),
            CompactionMerger.Step.NONE);
    awaitL0Below(1);
    verifyModel();
    // A compaction's outputs are collected once log time shows the writer would refuse its commit:
    // merged objects that a later merge replaced included (log time moves with writes only).
    awaitLogTimePastMaxAge(System.currentTimeMillis());
    Poll.until(
        Duration.ofSeconds(60),
        "every L0 object in the store to be referenced (replaced ones collected)",
        () -> {
          Set<String> live = cluster.inspector().manifest().objectKeys();
          return cluster.store.list("l0/").stream().map(ObjectInfo::key).allMatch(live::contains);
        });
    verifyModel();
    all.close();
  }

  /**
   * A database's compaction loop (other than the default one's) parks once its database is quiet
   * and clean, so an idle database has no thread, consumer or request; a manifest record makes it
   * due, and it compacts again.
   */
  @Test
  void aQuietCleanDatabaseParksUntilItsManifestLogMoves() throws Exception {
    CompactorConfig base =
        cluster.compactorConfig(dir.resolve("park")).with(CompactionPolicy.eager(64, 4096));
    CompactorConfig config = base.forDatabase(base.names(), "park", Duration.ofSeconds(1));
    writeRound(10);
    Compactor compactor = cluster.startCompactor(config, CompactionMerger.Step.NONE);
    Poll.until(Duration.ofSeconds(60), "the loop to compact and park", compactor::parked);
    assertEquals(0, cluster.inspector().manifest().l0().size(), "parked with nothing to compact");
    assertFalse(compactor.due(cluster.manifestLogEnd()), "due while its log did not move");
    verifyModel();

    writeRound(10);
    long end = cluster.manifestLogEnd();
    assertTrue(compactor.due(end), "due once its log moved");
    Thread again = Thread.ofPlatform().name("compactor-again").start(compactor);
    awaitL0Below(1);
    Poll.until(Duration.ofSeconds(60), "the loop to park again", compactor::parked);
    again.join(5_000);
    assertFalse(again.isAlive(), "a parked loop has no thread");
    assertFalse(compactor.due(cluster.manifestLogEnd()));
    verifyModel();
    compactor.close();
  }
}
