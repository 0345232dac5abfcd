package io.objectkv.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.log.LogCommand;
import io.objectkv.core.log.ResultRecord;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.format.FormatException;
import io.objectkv.format.UnsupportedFormatVersionException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {
  private static final SstInfo SST =
      new SstInfo(
          "l0/00000000000000000007-ab.sst", 1234, 10, new byte[] {1}, new byte[] {9, 9}, 3, 7);

  private static final WriteBatch BATCH =
      new WriteBatch(
          List.of(
              new Op.Put(Key.of("a"), "1".getBytes(), Condition.NONE),
              new Op.Put(Key.of("b"), "2".getBytes(), Condition.ABSENT),
              new Op.Put(Key.of("c"), "3".getBytes(), Condition.EXISTS),
              new Op.Put(Key.of("d"), "4".getBytes(), new Condition.VersionIs(17)),
              new Op.Put(Key.of("e"), "5".getBytes(), new Condition.ValueIs("old".getBytes())),
              new Op.Delete(Key.of("f"), Condition.EXISTS),
              new Op.Check(Key.of("g"), Condition.ABSENT)),
          "req-1");

  @Test
  void logCommandsRoundTrip() {
    LogCommand batch = new LogCommand.ClientBatch("gw-1", 42, BATCH);
    assertEquals(batch, LogCodec.decodeCommand("t", LogCodec.encode(batch)));
    LogCommand noId = new LogCommand.ClientBatch("gw-1", 43, new WriteBatch(BATCH.ops(), null));
    assertEquals(noId, LogCodec.decodeCommand("t", LogCodec.encode(noId)));
    LogCommand compaction =
        new LogCommand.CompactionCommit(
            "c1", List.of("l0/a", "l0/b"), List.of("l1/x"), List.of(SST));
    assertEquals(compaction, LogCodec.decodeCommand("t", LogCodec.encode(compaction)));
  }

  @Test
  void resultsRoundTrip() {
    for (Outcome o :
        List.of(
            new Outcome.Committed(77),
            new Outcome.ConditionFailed(3, Key.of("d"), Reason.VERSION_MISMATCH, 12),
            new Outcome.ConditionFailed(0, Key.of("x"), Reason.ABSENT, -1),
            new Outcome.Rejected("too big"))) {
      ResultRecord r = new ResultRecord("gw", 5, 99, o);
      assertEquals(r, LogCodec.decodeResult("t", LogCodec.encode(r)));
      assertEquals(o, OutcomeCodec.decode("t", OutcomeCodec.encode(o)));
    }
  }

  @Test
  void deltasAndSnapshotsRoundTrip() {
    ManifestDelta d =
        new ManifestDelta(
            5,
            2,
            100,
            List.of(
                new ManifestEdit.AddL0(SST),
                new ManifestEdit.Compaction(List.of("l0/a"), List.of("l1/b"), List.of(SST))),
            List.of(new RequestRecord("r1", new Outcome.Committed(99))));
    assertEquals(d, ManifestCodec.decodeDelta("t", ManifestCodec.encode(d)));
    ManifestSnapshot s =
        new ManifestSnapshot(
            new Manifest(5, 2, 100, List.of(SST), List.of()),
            4711,
            List.of(new RequestRecord("r1", new Outcome.Committed(99))));
    assertEquals(s, ManifestCodec.decodeSnapshot("t", ManifestCodec.encode(s)));
    assertEquals(
        ManifestSnapshot.EMPTY,
        ManifestCodec.decodeSnapshot("t", ManifestCodec.encode(ManifestSnapshot.EMPTY)));
  }

  @Test
  void everySingleByteChangeOfASnapshotIsDetected() {
    ManifestSnapshot s =
        new ManifestSnapshot(new Manifest(5, 2, 100, List.of(SST), List.of()), 4711, List.of());
    byte[] bytes = ManifestCodec.encode(s);
    for (int i = 0; i < bytes.length; i++) {
      byte[] damaged = bytes.clone();
      damaged[i] ^= 0x10;
      assertThrows(
          FormatException.class, () -> ManifestCodec.decodeSnapshot("snap", damaged), "byte " + i);
    }
  }

  @Test
  void unknownVersionsAndGarbageAreTypedErrors() {
    byte[] bytes = LogCodec.encode(new LogCommand.ClientBatch("gw", 1, BATCH));
    bytes[0] = 9;
    UnsupportedFormatVersionException e =
        assertThrows(
            UnsupportedFormatVersionException.class,
            () -> LogCodec.decodeCommand("writes@17", bytes));
    assertTrue(e.getMessage().contains("reads version 1"), e.getMessage());
    assertThrows(
        FormatException.class, () -> LogCodec.decodeCommand("writes@18", new byte[] {1, 1, 5}));
    assertThrows(FormatException.class, () -> LogCodec.decodeCommand("writes@19", new byte[0]));
  }
}
