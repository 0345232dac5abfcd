package io.objectkv.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.objectkv.core.codec.ManifestCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestLogTest {
  /** Follows {@code records} in log order from {@code start}, as every process does. */
  private static Manifest follow(Manifest start, ManifestLogRecord... records) {
    Manifest m = start;
    for (int i = 0; i < records.length; i++) {
      // through the codec, as the records travel
      ManifestLogRecord r =
          ManifestCodec.decodeLogEntry(
                  "test@" + i,
                  switch (records[i]) {
                    case ManifestDelta d -> ManifestCodec.encode(d);
                    case WriterFence f -> ManifestCodec.encode(f);
                  })
              .record();
      m = ManifestLog.follow(m, r, "test@" + i);
    }
    return m;
  }

  private static ManifestDelta delta(long id, long epoch, String l0) {
    SstInfo sst = new SstInfo(l0, 100, 1, "a".getBytes(), "b".getBytes(), id, id);
    return new ManifestDelta(
        id, epoch, id, id * 10, List.of(new ManifestEdit.AddL0(sst)), List.of());
  }

  private static List<String> l0(Manifest m) {
    return m.l0().stream().map(SstInfo::key).toList();
  }

  @Test
  void aReplacedWritersDeltasAfterTheNewFenceDoNotCount() {
    Manifest m =
        follow(
            Manifest.EMPTY,
            new WriterFence(1, 0),
            delta(1, 1, "l0/a1"),
            delta(2, 1, "l0/a2"), // before the new fence: the new writer recovered it
            new WriterFence(2, 0),
            delta(3, 1, "l0/a3-zombie"),
            delta(3, 2, "l0/b3"),
            delta(4, 1, "l0/a4-zombie"),
            delta(4, 2, "l0/b4"));
    assertEquals(List.of("l0/a1", "l0/a2", "l0/b3", "l0/b4"), l0(m));
    assertEquals(2, m.writerEpoch());
    assertEquals(4, m.id());
  }

  @Test
  void aFenceThatLostTheRaceDoesNotCount() {
    // Two writers recovered the same manifest and both claimed epoch 2: the first fence wins.
    Manifest m =
        follow(
            Manifest.EMPTY,
            new WriterFence(1, 0),
            delta(1, 1, "l0/a1"),
            new WriterFence(2, 0),
            delta(2, 2, "l0/b2"),
            new WriterFence(2, 0),
            delta(3, 2, "l0/b3"));
    assertEquals(List.of("l0/a1", "l0/b2", "l0/b3"), l0(m));
    Manifest before = follow(Manifest.EMPTY, new WriterFence(3, 0));
    assertSame(before, ManifestLog.follow(before, new WriterFence(3, 0), "x"));
    assertSame(before, ManifestLog.follow(before, new WriterFence(1, 0), "x"));
  }

  @Test
  void logsWrittenBeforeFencesExistedStillRead() {
    // Transactional writers raised the epoch with their first delta; aborted ones never showed.
    Manifest m = follow(Manifest.EMPTY, delta(1, 1, "l0/a1"), delta(2, 2, "l0/b2"));
    assertEquals(List.of("l0/a1", "l0/b2"), l0(m));
    assertEquals(2, m.writerEpoch());
  }

  @Test
  void aSnapshotKeepsTheFencedEpoch() {
    // A follower that starts from a snapshot taken after the fence ignores the replaced writer
    // without having seen the fence itself.
    Manifest fenced = follow(Manifest.EMPTY, new WriterFence(1, 0), delta(1, 1, "l0/a1"));
    fenced = follow(fenced, new WriterFence(2, 0));
    ManifestSnapshot snapshot = new ManifestSnapshot(fenced, 7, List.of());
    Manifest restored =
        ManifestCodec.decodeSnapshot("s", ManifestCodec.encode(snapshot)).manifest();
    assertEquals(2, restored.writerEpoch());
    assertSame(restored, ManifestLog.follow(restored, delta(2, 1, "l0/a2-zombie"), "x"));
  }

  @Test
  void deltasAlreadyInTheStartingManifestAreSkippedAndGapsAreCorruption() {
    Manifest m = follow(Manifest.EMPTY, new WriterFence(1, 0), delta(1, 1, "l0/a1"));
    assertSame(m, ManifestLog.follow(m, delta(1, 1, "l0/a1"), "x"));
    assertThrows(
        IllegalStateException.class, () -> ManifestLog.follow(m, delta(3, 1, "l0/a3"), "x"));
  }
}
