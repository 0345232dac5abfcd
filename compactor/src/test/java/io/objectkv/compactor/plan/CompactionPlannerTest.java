package io.objectkv.compactor.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionPlannerTest {
  private static SstInfo sst(String key, String min, String max, long v0, long v1, long size) {
    return new SstInfo(key, size, 1, min.getBytes(), max.getBytes(), v0, v1);
  }

  private static final CompactionPolicy POLICY = new CompactionPolicy(3, 0, 3, 1000, 2, 1 << 20);

  @Test
  void waitsForTheThreshold() {
    Manifest m =
        new Manifest(
            5,
            1,
            20,
            0,
            List.of(sst("l0/a", "a", "b", 0, 1, 10), sst("l0/b", "a", "b", 2, 3, 10)),
            List.of());
    assertTrue(
        CompactionPlanner.plan(m, POLICY).isEmpty(), "2 small objects: below both thresholds");
    Manifest big = new Manifest(5, 1, 20, 0, List.of(sst("l0/a", "a", "b", 0, 1, 5000)), List.of());
    assertTrue(CompactionPlanner.plan(big, POLICY).isPresent(), "enough bytes");
  }

  @Test
  void takesTheOldestL0AndTheOverlappingL1() {
    Manifest m =
        new Manifest(
            9,
            1,
            50,
            0,
            List.of(
                sst("l0/1", "d", "f", 10, 11, 10),
                sst("l0/2", "m", "n", 12, 13, 10),
                sst("l0/3", "a", "z", 14, 15, 10)),
            List.of(
                sst("l1/a", "a", "c", 0, 5, 10),
                sst("l1/b", "e", "g", 0, 5, 10),
                sst("l1/c", "h", "l", 0, 5, 10),
                sst("l1/d", "n", "p", 0, 5, 10),
                sst("l1/e", "q", "z", 0, 5, 10)));
    CompactionJob job = CompactionPlanner.plan(m, POLICY).orElseThrow();
    assertEquals(
        List.of("l0/1", "l0/2"),
        job.l0().stream().map(SstInfo::key).toList(),
        "the two oldest, at most maxL0PerJob");
    assertEquals(
        List.of("l1/b", "l1/c", "l1/d"),
        job.l1().stream().map(SstInfo::key).toList(),
        "every L1 object within [d, n]");
    assertEquals(9, job.basedOn());
    assertTrue(
        m.accepts(
            new io.objectkv.core.manifest.ManifestEdit.Compaction(
                List.of("l0/1", "l0/2"),
                List.of("l1/b", "l1/c", "l1/d"),
                List.of(sst("l1/x", "d", "p", 0, 13, 10)))));
  }

  @Test
  void waitsUntilL0IsWorthTheL1ItRewrites() {
    CompactionPolicy policy = new CompactionPolicy(2, 0.1, 8, 1 << 20, 100, 1 << 20);
    List<SstInfo> l1 =
        List.of(sst("l1/a", "a", "m", 0, 5, 10_000), sst("l1/b", "n", "z", 0, 5, 50_000));
    List<SstInfo> l0 = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      l0.add(sst("l0/" + i, "b", "c", 10 + i, 10 + i, 200));
    }
    assertTrue(
        CompactionPlanner.plan(new Manifest(9, 1, 50, 0, l0, l1), policy).isEmpty(),
        "800 bytes of L0 would rewrite 10,000 bytes of L1: under the ratio of 0.1");
    l0.add(sst("l0/4", "b", "c", 20, 20, 200));
    assertEquals(
        List.of("l1/a"),
        CompactionPlanner.plan(new Manifest(9, 1, 50, 0, l0, l1), policy)
            .orElseThrow()
            .l1()
            .stream()
            .map(SstInfo::key)
            .toList(),
        "1,000 bytes against the 10,000 bytes of L1 they overlap (not the other 50,000)");
    List<SstInfo> wide = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      wide.add(sst("l0/w" + i, "a", "z", 10 + i, 10 + i, 200));
    }
    assertTrue(
        CompactionPlanner.plan(new Manifest(9, 1, 50, 0, wide.subList(0, 7), l1), policy).isEmpty(),
        "1,400 bytes against 60,000");
    assertTrue(
        CompactionPlanner.plan(new Manifest(9, 1, 50, 0, wide, l1), policy).isPresent(),
        "due at 8 objects (the bound on what a read consults), whatever the ratio");
  }
}
