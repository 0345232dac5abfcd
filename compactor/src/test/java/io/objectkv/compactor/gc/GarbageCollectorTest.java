package io.objectkv.compactor.gc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.store.ObjectInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration GRACE = Duration.ofMinutes(10);

  private static ObjectInfo obj(String key, int minutesAgo) {
    return new ObjectInfo(key, 100, T0.minus(Duration.ofMinutes(minutesAgo)));
  }

  @Test
  void aFreshProcessWaitsTheGracePeriodForWhatItDidNotSeeLeave() {
    List<String> delete =
        GarbageCollector.deletable(
            List.of(obj("l1/removed-before-we-started.sst", 600), obj("l0/orphan.sst", 600)),
            Set.of(),
            Map.of(),
            T0.minus(Duration.ofMinutes(1)),
            Set.of(),
            T0,
            GRACE,
            3);
    assertEquals(List.of(), delete, "it may have left the manifest a second before we started");
  }

  @Test
  void followsEveryRule() {
    List<ObjectInfo> objects =
        List.of(
            obj("l0/live.sst", 60),
            obj("l1/live.sst", 60),
            obj("l1/removed-long-ago.sst", 60),
            obj("l1/removed-just-now.sst", 60),
            obj("l0/orphan-old.sst", 30),
            obj("l0/orphan-older.sst", 40),
            obj("l0/orphan-young.sst", 2),
            obj("l1/pending-output.sst", 60),
            obj("l1/removed-before-we-started.sst", 600),
            obj("l0/old-but-unseen.sst", 30),
            obj("unknown/thing", 600),
            obj("manifest/00000000000000000001.manifest", 60),
            obj("manifest/00000000000000000002.manifest", 60),
            obj("manifest/00000000000000000003.manifest", 60),
            obj("manifest/00000000000000000004.manifest", 60),
            obj("manifest/00000000000000000005.manifest", 1));
    List<String> delete =
        GarbageCollector.deletable(
            objects,
            Set.of("l0/live.sst", "l1/live.sst"),
            Map.of(
                "l1/removed-long-ago.sst",
                T0.minus(Duration.ofMinutes(11)),
                "l1/removed-just-now.sst",
                T0.minus(Duration.ofMinutes(1))),
            T0.minus(Duration.ofMinutes(20)),
            Set.of("l1/pending-output.sst"),
            T0,
            GRACE,
            3);
    assertEquals(
        List.of(
            "l1/removed-long-ago.sst",
            "l0/orphan-old.sst",
            "l0/orphan-older.sst",
            "l1/removed-before-we-started.sst",
            "l0/old-but-unseen.sst",
            "manifest/00000000000000000002.manifest",
            "manifest/00000000000000000001.manifest"),
        delete);
  }
}
