package io.objectkv.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.model.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private static SstInfo sst(String key, String min, String max, long v0, long v1) {
    return new SstInfo(key, 100, 2, min.getBytes(), max.getBytes(), v0, v1);
  }

  private static ManifestDelta delta(Manifest m, long applied, ManifestEdit... edits) {
    return new ManifestDelta(m.id() + 1, 1, applied, applied * 10, List.of(edits), List.of());
  }

  @Test
  void addsAndCompactions() {
    Manifest m = Manifest.EMPTY;
    m = m.apply(delta(m, 5, new ManifestEdit.AddL0(sst("l0/a", "a", "m", 0, 5))));
    m = m.apply(delta(m, 9, new ManifestEdit.AddL0(sst("l0/b", "c", "z", 6, 9))));
    assertEquals(List.of("l0/a", "l0/b"), m.l0().stream().map(SstInfo::key).toList());
    m =
        m.apply(
            delta(
                m,
                9,
                new ManifestEdit.Compaction(
                    List.of("l0/a"),
                    List.of(),
                    List.of(sst("l1/2", "n", "p", 0, 5), sst("l1/1", "a", "m", 0, 5)))));
    assertEquals(List.of("l0/b"), m.l0().stream().map(SstInfo::key).toList());
    assertEquals(
        List.of("l1/1", "l1/2"),
        m.l1().stream().map(SstInfo::key).toList(),
        "L1 kept in key order");
    assertEquals(3, m.id());
  }

  @Test
  void compactionMustTakeTheOldestL0() {
    Manifest m0 = Manifest.EMPTY;
    Manifest m1 = m0.apply(delta(m0, 5, new ManifestEdit.AddL0(sst("l0/a", "a", "m", 0, 5))));
    Manifest m = m1.apply(delta(m1, 9, new ManifestEdit.AddL0(sst("l0/b", "c", "z", 6, 9))));
    assertThrows(
        ManifestInvariants.Violation.class,
        () ->
            m.apply(
                delta(
                    m,
                    9,
                    new ManifestEdit.Compaction(
                        List.of("l0/b"), List.of(), List.of(sst("l1/1", "c", "z", 6, 9))))));
    assertThrows(
        ManifestInvariants.Violation.class,
        () ->
            m.apply(
                delta(m, 9, new ManifestEdit.Compaction(List.of("l0/zzz"), List.of(), List.of()))));
  }

  @Test
  void brokenTransitionsAreRefused() {
    Manifest m =
        Manifest.EMPTY.apply(
            delta(Manifest.EMPTY, 5, new ManifestEdit.AddL0(sst("l0/a", "a", "m", 0, 5))));
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(new ManifestDelta(m.id() + 2, 1, 6, 60, List.of(), List.of())),
        "gap in ids");
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(new ManifestDelta(m.id() + 1, 1, 6, 10, List.of(), List.of())),
        "log time went back");
    assertThrows(
        ManifestInvariants.Violation.class,
        () ->
            m.apply(
                new ManifestDelta(
                    m.id() + 1,
                    1,
                    6,
                    60,
                    List.of(),
                    List.of(new RequestRecord("r", new Outcome.Committed(6), 61)))),
        "a request decided after the delta's log time");
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(delta(m, 4)),
        "applied version went back");
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(delta(m, 9, new ManifestEdit.AddL0(sst("l0/c", "a", "b", 3, 9)))),
        "overlapping L0 versions");
    assertThrows(
        ManifestInvariants.Violation.class,
        () ->
            m.apply(
                delta(
                    m,
                    9,
                    new ManifestEdit.Compaction(
                        List.of(),
                        List.of(),
                        List.of(sst("l1/1", "a", "k", 0, 1), sst("l1/2", "j", "z", 0, 1))))),
        "overlapping L1 ranges");
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(delta(m, 6, new ManifestEdit.AddL0(sst("l0/a", "x", "y", 6, 6)))),
        "duplicate object");
    assertThrows(
        ManifestInvariants.Violation.class,
        () -> m.apply(delta(m, 6, new ManifestEdit.AddL0(sst("l0/d", "x", "y", 6, 7)))),
        "object newer than applied");
  }

  @Test
  void acceptsOnlyCompactionsWhoseResultKeepsTheInvariants() {
    Manifest m0 = Manifest.EMPTY;
    Manifest m1 = m0.apply(delta(m0, 5, new ManifestEdit.AddL0(sst("l0/a", "a", "m", 0, 5))));
    Manifest m = m1.apply(delta(m1, 9, new ManifestEdit.AddL0(sst("l0/b", "c", "z", 6, 9))));
    assertTrue(
        m.accepts(
            new ManifestEdit.Compaction(
                List.of("l0/a"), List.of(), List.of(sst("l1/1", "a", "m", 0, 5)))));
    assertFalse(
        m.accepts(
            new ManifestEdit.Compaction(
                List.of("l0/a"), List.of(), List.of(sst("l1/1", "a", "m", 0, 99)))),
        "an output newer than the applied version would make apply throw");
    assertFalse(
        m.accepts(
            new ManifestEdit.Compaction(
                List.of("l0/a"), List.of(), List.of(sst("l0/b", "a", "m", 0, 5)))),
        "an output named like a live object");
    assertFalse(
        m.accepts(
            new ManifestEdit.Compaction(
                List.of("l0/a"),
                List.of(),
                List.of(new SstInfo("l1/e", 0, 0, new byte[0], new byte[0], 0, 0)))),
        "an empty output");
  }

  /** A merge into L0 of {@code inputs} (no L1 inputs) with {@code outputs}. */
  private static ManifestEdit.Compaction intoL0(List<String> inputs, SstInfo... outputs) {
    return new ManifestEdit.Compaction(inputs, List.of(), List.of(outputs), ManifestEdit.Level.L0);
  }

  @Test
  void aMergeIntoL0TakesAdjacentObjectsAndKeepsTheirPlace() {
    Manifest m = Manifest.EMPTY;
    m = m.apply(delta(m, 5, new ManifestEdit.AddL0(sst("l0/a", "a", "m", 0, 5))));
    m = m.apply(delta(m, 7, new ManifestEdit.AddL0(sst("l0/b", "c", "z", 6, 7))));
    m = m.apply(delta(m, 8, new ManifestEdit.AddL0(sst("l0/c", "b", "k", 8, 8))));
    m = m.apply(delta(m, 9, new ManifestEdit.AddL0(sst("l0/d", "q", "r", 9, 9))));
    ManifestEdit.Compaction middle =
        intoL0(List.of("l0/c", "l0/b"), sst("l0/t1-x-0", "b", "z", 6, 8));
    assertTrue(m.accepts(middle), "adjacent objects, in any order of naming");
    Manifest merged = m.apply(delta(m, 9, middle));
    assertEquals(
        List.of("l0/a", "l0/t1-x-0", "l0/d"),
        merged.l0().stream().map(SstInfo::key).toList(),
        "the output takes the place of its inputs, between older and newer objects");
    assertTrue(merged.l1().isEmpty());

    Manifest before = m;
    ManifestEdit.Compaction apart =
        intoL0(List.of("l0/a", "l0/c"), sst("l0/t1-y-0", "a", "m", 0, 8));
    assertFalse(
        before.accepts(apart),
        "not adjacent: l0/b, between them, would be older than part of the output");
    assertThrows(ManifestInvariants.Violation.class, () -> before.apply(delta(before, 9, apart)));
    assertFalse(
        before.accepts(intoL0(List.of("l0/b", "l0/c"), sst("l0/t1-y-0", "b", "z", 6, 9))),
        "an output with versions of a newer neighbour");
    assertFalse(
        before.accepts(
            intoL0(
                List.of("l0/b", "l0/c"),
                sst("l0/t1-y-0", "b", "m", 6, 7),
                sst("l0/t1-y-1", "n", "z", 8, 8))),
        "two outputs");
    assertFalse(
        before.accepts(
            new ManifestEdit.Compaction(
                List.of("l0/b", "l0/c"),
                List.of("l1/none"),
                List.of(sst("l0/t1-y-0", "b", "z", 6, 8)),
                ManifestEdit.Level.L0)),
        "L1 inputs");
  }
}
