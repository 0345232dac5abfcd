package io.objectkv.compactor.gc;

import static java.util.stream.Collectors.toSet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.ObjectInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final GarbageCollector.Rules RULES =
      new GarbageCollector.Rules(Duration.ofMinutes(10), Duration.ofMinutes(20), 3);

  /** Log time of the manifest: one hour after the epoch of these tests' compaction starts. */
  private static final long LOG_TIME = 3_600_000;

  private static ObjectInfo obj(String key, int minutesAgo) {
    return new ObjectInfo(key, 100, T0.minus(Duration.ofMinutes(minutesAgo)));
  }

  /** An object that left the manifest {@code minutesAgo}, of {@code bytes}. */
  private static GarbageCollector.Removal left(int minutesAgo, long bytes) {
    return new GarbageCollector.Removal(T0.minus(Duration.ofMinutes(minutesAgo)), bytes);
  }

  private static String l0(long version) {
    return ObjectNames.l0(version, "1-ab");
  }

  /** A compaction output whose compaction started {@code minutesBeforeLogTime} before LOG_TIME. */
  private static String output(int minutesBeforeLogTime) {
    return output(ManifestEdit.Level.L1, minutesBeforeLogTime);
  }

  private static String output(ManifestEdit.Level into, int minutesBeforeLogTime) {
    return ObjectNames.compactionOutput(
        into, LOG_TIME - Duration.ofMinutes(minutesBeforeLogTime).toMillis(), "c", 0);
  }

  private static SstInfo sst(String key) {
    return new SstInfo(key, 100, 1, new byte[] {1}, new byte[] {1}, 0, 0);
  }

  /** A manifest at applied version 100 and LOG_TIME, referencing {@code live}. */
  private static Manifest manifest(List<String> liveL0, List<String> liveL1) {
    return new Manifest(
        7,
        1,
        100,
        LOG_TIME,
        liveL0.stream().map(GarbageCollectorTest::sst).toList(),
        liveL1.stream().map(GarbageCollectorTest::sst).toList());
  }

  private static List<String> deletable(
      List<ObjectInfo> objects,
      Manifest m,
      Map<String, GarbageCollector.Removal> removals,
      Instant started) {
    return GarbageCollector.deletable(
            new GarbageCollector.Pass(objects, m, removals, started, T0), RULES)
        .stream()
        .map(ObjectInfo::key)
        .toList();
  }

  @Test
  void aFreshProcessWaitsTheGracePeriodForWhatItDidNotSeeLeave() {
    List<String> delete =
        deletable(
            List.of(obj("l1/removed-before-we-started.sst", 600), obj(l0(5), 600)),
            manifest(List.of(), List.of()),
            Map.of(),
            T0.minus(Duration.ofMinutes(1)));
    assertEquals(List.of(), delete, "it may have left the manifest a second before we started");
  }

  /**
   * Between listings a pass weighs what it saw leave the manifest, by the same rules: past the
   * grace period and never live again, and nothing else (an orphan waits for the next listing).
   */
  @Test
  void whatThisProcessSawLeaveIsWeighedWithoutAListing() {
    Map<String, GarbageCollector.Removal> removals =
        Map.of(
            l0(5), left(11, 500), // applied, grace over
            l0(6), left(9, 600), // grace not over
            output(ManifestEdit.Level.L0, 40), left(11, 700), // old merge
            output(ManifestEdit.Level.L0, 5), left(11, 800)); // may yet commit
    List<ObjectInfo> seen = GarbageCollector.seenLeaving(removals);
    assertEquals(removals.keySet(), seen.stream().map(ObjectInfo::key).collect(toSet()));
    for (ObjectInfo o : seen) {
      assertEquals(removals.get(o.key()).bytes(), o.size(), "its size, for the stored bytes");
    }
    assertEquals(
        List.of(l0(5), output(ManifestEdit.Level.L0, 40)).stream().sorted().toList(),
        deletable(seen, manifest(List.of(), List.of()), removals, T0.minus(Duration.ofHours(1)))
            .stream()
            .sorted()
            .toList());
  }

  @Test
  void followsEveryRule() {
    List<ObjectInfo> objects =
        List.of(
            obj(l0(10), 60), // live
            obj("l1/live.sst", 60),
            obj("l1/removed-long-ago.sst", 60),
            obj("l1/removed-just-now.sst", 60),
            obj(l0(20), 30), // an orphan of a fenced writer: its version is applied
            obj(l0(101), 30), // newer than applied: the active writer's upload in flight
            obj(l0(30), 2), // an orphan too young
            obj(output(25), 30), // an unfinished compaction the writer can no longer accept
            obj(output(15), 30), // one it can still accept: a merge may be running
            obj(output(ManifestEdit.Level.L0, 25), 30), // the same rules for merges into L0
            obj(output(ManifestEdit.Level.L0, 15), 30),
            obj("l1/removed-before-we-started.sst", 600),
            obj("unknown/thing", 600),
            obj("l0/not-a-version.sst", 600),
            obj("manifest/00000000000000000001.manifest", 60),
            obj("manifest/00000000000000000002.manifest", 60),
            obj("manifest/00000000000000000003.manifest", 60),
            obj("manifest/00000000000000000004.manifest", 60),
            obj("manifest/00000000000000000005.manifest", 1));
    List<String> delete =
        deletable(
            objects,
            manifest(List.of(l0(10)), List.of("l1/live.sst")),
            Map.of(
                "l1/removed-long-ago.sst", left(11, 100), "l1/removed-just-now.sst", left(1, 100)),
            T0.minus(Duration.ofMinutes(20)));
    assertEquals(
        List.of(
            "l1/removed-long-ago.sst",
            l0(20),
            output(25),
            output(ManifestEdit.Level.L0, 25),
            "l1/removed-before-we-started.sst",
            "manifest/00000000000000000002.manifest",
            "manifest/00000000000000000001.manifest"),
        delete);
  }

  /**
   * Defect: two compactors, one merge longer than the grace period. The second compactor's GC must
   * not delete the first one's early outputs while the writer may still accept them.
   */
  @Test
  void aLongMergeOfAnotherCompactorKeepsItsOutputsUntilTheWriterWouldRefuseThem() {
    String early = output(15); // uploaded 15 minutes (wall clock) ago, compaction started 15 min
    List<ObjectInfo> objects = List.of(obj(early, 15));
    Manifest m = manifest(List.of(), List.of());
    Instant longAgo = T0.minus(Duration.ofHours(1));
    assertTrue(
        deletable(objects, m, Map.of(), longAgo).isEmpty(),
        "past the grace period, but the writer still accepts a commit 15 min after its start");
    Manifest later =
        new Manifest(8, 1, 200, LOG_TIME + Duration.ofMinutes(6).toMillis(), List.of(), List.of());
    assertEquals(
        List.of(early),
        deletable(objects, later, Map.of(), longAgo),
        "21 minutes after its start, in log time, the writer refuses the commit");
    assertFalse(
        deletable(List.of(obj(l0(150), 60)), m, Map.of(), longAgo).contains(l0(150)),
        "an L0 upload for a version the writer has not applied yet may still be committed");
  }

  @Test
  void settledOnlyWhenWhatIsLeftWaitsForTheManifestToMove() {
    Manifest m = manifest(List.of(l0(90)), List.of());
    Instant started = T0.minus(Duration.ofHours(1));
    // An L0 object of a group not applied yet and a young compaction output: only a new manifest
    // (a higher applied version, a later log time) can free them.
    List<ObjectInfo> waitingForTheManifest =
        List.of(obj(l0(90), 30), obj(l0(150), 30), obj(output(5), 5));
    assertTrue(
        GarbageCollector.settled(
            new GarbageCollector.Pass(waitingForTheManifest, m, Map.of(), started, T0), RULES));
    // An object that left the manifest a minute ago: its grace runs out without a new manifest.
    assertFalse(
        GarbageCollector.settled(
            new GarbageCollector.Pass(
                List.of(obj(l0(90), 30), obj("l1/old.sst", 30)),
                m,
                Map.of("l1/old.sst", left(1, 100)),
                started,
                T0),
            RULES));
    // A fourth snapshot younger than the grace period: it will go without a new manifest too.
    assertFalse(
        GarbageCollector.settled(
            new GarbageCollector.Pass(
                List.of(
                    obj(l0(90), 30),
                    obj("manifest/00000000000000000001.manifest", 1),
                    obj("manifest/00000000000000000002.manifest", 1),
                    obj("manifest/00000000000000000003.manifest", 1),
                    obj("manifest/00000000000000000004.manifest", 1)),
                m,
                Map.of(),
                started,
                T0),
            RULES));
  }
}
