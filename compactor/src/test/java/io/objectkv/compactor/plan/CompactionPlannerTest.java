package io.objectkv.compactor.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactionPlannerTest {
  private static SstInfo sst(String key, String min, String max, long v0, long v1, long size) {
    return new SstInfo(key, size, 1, min.getBytes(), max.getBytes(), v0, v1);
  }

  private static final CompactionPolicy POLICY = new CompactionPolicy(3, 1000, 2, 1 << 20);

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
}
