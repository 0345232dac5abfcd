package io.objectkv.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.log.LogCommand;
import io.objectkv.core.log.Replies;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.manifest.WriterFence;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.format.CorruptionException;
import io.objectkv.format.FormatException;
import io.objectkv.format.UnsupportedFormatVersionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    LogCommand batch = new LogCommand.ClientBatch("gw-1", 42, 1_764_000_000_123L, BATCH);
    assertEquals(batch, LogCodec.decodeCommand("t", LogCodec.encode(batch)));
    LogCommand noId =
        new LogCommand.ClientBatch(
            "gw-1", 43, LogCommand.NO_DEADLINE, new WriteBatch(BATCH.ops(), null));
    assertEquals(noId, LogCodec.decodeCommand("t", LogCodec.encode(noId)));
    LogCommand compaction =
        new LogCommand.CompactionCommit(
            "c1",
            1_764_000_000_000L,
            List.of("l0/a", "l0/b"),
            List.of("l1/x"),
            List.of(SST),
            ManifestEdit.Level.L1);
    assertEquals(compaction, LogCodec.decodeCommand("t", LogCodec.encode(compaction)));
    LogCommand tierMerge =
        new LogCommand.CompactionCommit(
            "c2",
            1_764_000_000_000L,
            List.of("l0/a", "l0/b"),
            List.of(),
            List.of(SST),
            ManifestEdit.Level.L0);
    assertEquals(tierMerge, LogCodec.decodeCommand("t", LogCodec.encode(tierMerge)));
    assertTrue(LogCodec.isCompactionCommit(LogCodec.encode(tierMerge)));
    LogCommand start = new LogCommand.CompactionStart("c1");
    assertEquals(start, LogCodec.decodeCommand("t", LogCodec.encode(start)));
    assertTrue(LogCodec.isCompactionCommit(LogCodec.encode(compaction)));
  }

  /** Bytes written by version 1 (before deadlines and log time), committed at that version. */
  private static byte[] golden(String name) throws IOException {
    try (InputStream in = CodecTest.class.getResourceAsStream("/golden/" + name)) {
      return in.readAllBytes();
    }
  }

  private static final List<RequestRecord> V1_LEDGER_DELTA =
      List.of(
          new RequestRecord("r1", new Outcome.Committed(99), 0),
          new RequestRecord(
              "r2", new Outcome.ConditionFailed(1, Key.of("k"), Reason.EXISTS, 98), 0));

  @Test
  void version1RecordsAreStillRead() throws IOException {
    assertEquals(
        new LogCommand.ClientBatch("gw-1", 42, LogCommand.NO_DEADLINE, BATCH),
        LogCodec.decodeCommand("v1", golden("write-v1-batch.bin")));
    assertEquals(
        new LogCommand.CompactionCommit(
            "c1",
            -1,
            List.of("l0/a", "l0/b"),
            List.of("l1/x"),
            List.of(SST),
            ManifestEdit.Level.L1),
        LogCodec.decodeCommand("v1", golden("write-v1-compaction.bin")));
    assertTrue(LogCodec.isCompactionCommit(golden("write-v1-compaction.bin")));
    assertEquals(
        new ManifestDelta(
            5,
            2,
            100,
            0,
            List.of(
                new ManifestEdit.AddL0(SST),
                new ManifestEdit.Compaction(List.of("l0/a"), List.of("l1/b"), List.of(SST))),
            V1_LEDGER_DELTA),
        ManifestCodec.decodeDelta("v1", golden("delta-v1.bin")));
    ManifestSnapshot snapshot =
        new ManifestSnapshot(
            new Manifest(5, 2, 100, 0, List.of(SST), List.of()),
            4711,
            List.of(
                new RequestRecord("r1", new Outcome.Committed(99), 0),
                new RequestRecord("r2", new Outcome.Rejected("no"), 0)));
    assertEquals(snapshot, ManifestCodec.decodeSnapshot("v1", golden("snapshot-v1.bin")));
  }

  /** The delta whose bytes are pinned in versions 2 and 3. */
  private static final ManifestDelta PINNED_DELTA =
      new ManifestDelta(
          5,
          2,
          100,
          1_000_000,
          List.of(new ManifestEdit.AddL0(SST)),
          List.of(new RequestRecord("r1", new Outcome.Committed(99), 999_990)));

  /**
   * Version 2 bytes, pinned: a change to them is a new format version. Regenerate only with a
   * version bump.
   */
  @Test
  void version2BytesArePinned() {
    ManifestDelta d = PINNED_DELTA;
    // deltas are written in version 4 now; version 2 is still read
    assertEquals(
        d,
        ManifestCodec.decodeDelta(
            "v2",
            HexFormat.of()
                .parseHex(
                    "02050265c0843d01011e6c302f30303030303030303030303030303030303030372d61622e737374d2"
                        + "090a0101020909030701027231"
                        + "0a0163")));
    // version 2, type 1, reply-to "gw-1", correlation 42, deadline 1000, request id "req-1",
    // one op: put "a" = "1", no condition
    assertEquals(
        "0201" + "0467772d31" + "2a" + "e807" + "01057265712d31" + "01" + "01016101" + "3100",
        HexFormat.of()
            .formatHex(
                LogCodec.encode(
                    new LogCommand.ClientBatch(
                        "gw-1", 42, 1000, new WriteBatch(BATCH.ops().subList(0, 1), "req-1")))));
  }

  /**
   * More version 2 bytes, pinned: the forms that live longest in S3 and the logs (a snapshot with
   * both levels and a ledger, a delta with both kinds of compaction, a compaction into L0, range
   * deletes and a ttl).
   */
  @Test
  void version2SnapshotsCompactionsAndRangeOpsArePinned() {
    SstInfo l1 = new SstInfo("l1/t9-c1-0.sst", 4096, 20, new byte[] {'a'}, new byte[] {'z'}, 1, 6);
    List<RequestRecord> ledger =
        List.of(
            new RequestRecord("r1", new Outcome.Committed(99), 1_700),
            new RequestRecord(
                "r2", new Outcome.ConditionFailed(2, Key.of("k"), Reason.VALUE_MISMATCH, 7), 2_000),
            new RequestRecord("r3", new Outcome.Rejected("too old"), 2_000));
    ManifestSnapshot snapshot =
        new ManifestSnapshot(
            new Manifest(5, 2, 100, 2_000, List.of(SST), List.of(l1)), 4711, ledger);
    assertEquals(
        "02050265e824d00f011e6c302f30303030303030303030303030303030303030372d61622e737374"
            + "d2090a01010209090307010e6c312f74392d63312d302e7373748020140161017a01061f03027231"
            + "ac020163027232000202016b0408027233000307746f6f206f6c64d5758dd5",
        HexFormat.of().formatHex(ManifestCodec.encode(snapshot)));
    ManifestDelta delta =
        new ManifestDelta(
            6,
            2,
            101,
            2_001,
            List.of(
                new ManifestEdit.Compaction(List.of("l0/a"), List.of("l1/b"), List.of(l1)),
                new ManifestEdit.Compaction(
                    List.of("l0/c", "l0/d"), List.of(), List.of(SST), ManifestEdit.Level.L0)),
            List.of());
    assertEquals(
        delta,
        ManifestCodec.decodeDelta(
            "v2",
            HexFormat.of()
                .parseHex(
                    "02060266d10f020201046c302f6101046c312f62010e6c312f74392d63312d302e73737480201401"
                        + "61017a01060302046c302f63046c302f6400011e6c302f3030303030303030303030303030303030"
                        + "3030372d61622e737374d2090a0101020909030700")));
    assertEquals(
        "02040263320a02046c302f63046c302f6400011e6c302f3030303030303030303030303030303030"
            + "3030372d61622e737374d2090a01010209090307",
        HexFormat.of()
            .formatHex(
                LogCodec.encode(
                    new LogCommand.CompactionCommit(
                        "c2",
                        9,
                        List.of("l0/c", "l0/d"),
                        List.of(),
                        List.of(SST),
                        ManifestEdit.Level.L0))));
    assertEquals(
        "02010467772d312c00000304017001710401610162050174017601dc0b",
        HexFormat.of()
            .formatHex(
                LogCodec.encode(
                    new LogCommand.ClientBatch(
                        "gw-1",
                        44,
                        LogCommand.NO_DEADLINE,
                        new WriteBatch(
                            List.of(
                                Op.DeleteRange.prefix("p".getBytes()),
                                new Op.DeleteRange("a".getBytes(), "b".getBytes()),
                                new Op.Put(Key.of("t"), "v".getBytes(), Condition.ABSENT, 1500)),
                            null)))));
  }

  @Test
  void resultsRoundTrip() {
    for (Outcome o :
        List.of(
            new Outcome.Committed(77),
            new Outcome.ConditionFailed(3, Key.of("d"), Reason.VERSION_MISMATCH, 12),
            new Outcome.ConditionFailed(0, Key.of("x"), Reason.ABSENT, -1),
            new Outcome.Rejected("too big"),
            new Outcome.Expired(1_000, 1_234),
            new Outcome.Busy("too many ids"))) {
      assertEquals(o, OutcomeCodec.decode("t", OutcomeCodec.encode(o)));
    }
  }

  /** The replies of the pinned deltas: two gateways, three batches. */
  private static final Replies PINNED_REPLIES =
      new Replies(
          17,
          List.of(
              new Reply("gw", 7, new Outcome.Committed(99)),
              new Reply("gw-2", 1, new Outcome.Rejected("no")),
              new Reply(
                  "gw",
                  8,
                  new Outcome.ConditionFailed(0, Key.EMPTY, Reason.VERSION_MISMATCH, 12))));

  /** {@link #PINNED_REPLIES} as encoded, behind their length. */
  private static final String PINNED_REPLIES_HEX =
      "1a" // 26 bytes of replies:
          + "12" // the offset the delta was appended for (17, as optional 18)
          + "02" // two runs
          + "026777"
          + "02"
          + "07"
          + "0163"
          + "08"
          + "020000030d" // "gw": 7 committed 99; 8 failed
          + "0467772d32"
          + "01"
          + "01"
          + "03026e6f"; // "gw-2": 1 rejected "no"

  /** The edits and ledger of {@link #PINNED_DELTA}, as encoded. */
  private static final String PINNED_EDITS_HEX =
      "01011e6c302f30303030303030303030303030303030303030372d61622e737374d2"
          + "090a0101020909030701027231"
          + "0a0163";

  /** {@link #PINNED_REPLIES} as a gateway reads them: in runs of one gateway each. */
  private static void assertPinnedReplies(Replies decoded) {
    assertEquals(17, decoded.logOffset());
    List<Reply> sent = PINNED_REPLIES.replies();
    assertEquals(List.of(sent.get(0), sent.get(2), sent.get(1)), decoded.replies());
  }

  /**
   * Version 3 deltas, pinned: the replies to gateways come behind a length after the log time, in
   * runs of one gateway each; followers other than gateways skip them. Written until copies came
   * (version 4), still read.
   */
  @Test
  void version3DeltasWithRepliesAreRead() {
    byte[] bytes =
        HexFormat.of()
            .parseHex(
                "03050265c0843d" // version 3, id 5, epoch 2, applied 100, log time
                    + PINNED_REPLIES_HEX
                    + PINNED_EDITS_HEX);
    assertEquals(PINNED_DELTA, ManifestCodec.decodeDelta("v3", bytes), "followers skip replies");
    assertPinnedReplies(ManifestCodec.decodeReplies("v3", bytes));
    assertEquals(
        Map.of(), ManifestCodec.decodeLogEntry("v3", bytes).copies(), "version 3 has no copies");
  }

  /**
   * Version 4 deltas, pinned: after the replies, the copies of small new objects behind a length of
   * their own, so followers that do not use them skip them.
   */
  @Test
  void version4DeltasWithRepliesAndCopiesArePinned() {
    ManifestDelta d = PINNED_DELTA;
    byte[] object = {1, 2, 3};
    byte[] bytes = ManifestCodec.encode(d, PINNED_REPLIES, Map.of("obj", object));
    assertEquals(
        "04050265c0843d" // version 4, id 5, epoch 2, applied 100, log time
            + PINNED_REPLIES_HEX
            + "09" // 9 bytes of copies:
            + "01" // one copy
            + "036f626a" // "obj"
            + "03010203" // its 3 bytes
            + PINNED_EDITS_HEX,
        HexFormat.of().formatHex(bytes));
    assertEquals(d, ManifestCodec.decodeDelta("t", bytes), "followers skip replies and copies");
    Replies decoded = ManifestCodec.decodeReplies("t", bytes);
    assertPinnedReplies(decoded);
    ManifestCodec.LogEntry entry = ManifestCodec.decodeLogEntry("t", bytes);
    assertEquals(d, entry.record());
    Map<String, byte[]> copies = entry.copies();
    assertEquals(Set.of("obj"), copies.keySet());
    assertArrayEquals(object, copies.get("obj"));
    assertTrue(decoded.countsAt(17));
    assertFalse(decoded.countsAt(18), "a delta that landed elsewhere answers nobody");
    byte[] plain = ManifestCodec.encode(d);
    assertEquals(Replies.NONE, ManifestCodec.decodeReplies("t", plain));
    assertEquals(Map.of(), ManifestCodec.decodeLogEntry("t", plain).copies());
    assertFalse(Replies.NONE.countsAt(-1));
    byte[] fence = ManifestCodec.encode(new WriterFence(3, 4));
    assertEquals(Replies.NONE, ManifestCodec.decodeReplies("t", fence), "a fence answers nobody");
    assertEquals(Map.of(), ManifestCodec.decodeLogEntry("t", fence).copies(), "nor carries copies");
    assertEquals(
        Replies.NONE,
        ManifestCodec.decodeReplies("v2", HexFormat.of().parseHex("02050265c0843d0000")),
        "nor does a delta of version 2");
  }

  @Test
  void copiesThatOverrunTheirLengthAreCorrupt() {
    byte[] bytes = ManifestCodec.encode(PINNED_DELTA, Replies.NONE, Map.of("obj", new byte[] {1}));
    // the copies' length (after version, id, epoch, applied, log time and 2 bytes of replies)
    int lengthAt = 7 + 3;
    assertEquals(7, bytes[lengthAt]);
    bytes[lengthAt] = 6;
    assertThrows(CorruptionException.class, () -> ManifestCodec.decodeLogEntry("t", bytes));
  }

  @Test
  void deltasAndSnapshotsRoundTrip() {
    List<RequestRecord> ledger =
        List.of(
            new RequestRecord("r1", new Outcome.Committed(99), 1_700),
            new RequestRecord(
                "r2",
                new Outcome.ConditionFailed(2, Key.EMPTY, Reason.VALUE_MISMATCH, 7).withoutKey(),
                2_000));
    ManifestDelta d =
        new ManifestDelta(
            5,
            2,
            100,
            2_000,
            List.of(
                new ManifestEdit.AddL0(SST),
                new ManifestEdit.Compaction(List.of("l0/a"), List.of("l1/b"), List.of(SST)),
                new ManifestEdit.Compaction(
                    List.of("l0/c", "l0/d"), List.of(), List.of(SST), ManifestEdit.Level.L0)),
            ledger);
    assertEquals(d, ManifestCodec.decodeDelta("t", ManifestCodec.encode(d)));
    ManifestSnapshot s =
        new ManifestSnapshot(new Manifest(5, 2, 100, 2_000, List.of(SST), List.of()), 4711, ledger);
    byte[] bytes = ManifestCodec.encode(s);
    assertEquals(s, ManifestCodec.decodeSnapshot("t", bytes));
    assertEquals(
        new ManifestSnapshot(s.manifest(), 4711, List.of()),
        ManifestCodec.decodeSnapshot("t", bytes, ManifestCodec.Ledger.SKIP),
        "readers skip the ledger");
    assertEquals(
        ManifestSnapshot.EMPTY,
        ManifestCodec.decodeSnapshot("t", ManifestCodec.encode(ManifestSnapshot.EMPTY)));
  }

  /**
   * An L0 object holding a range delete to the end of the keyspace has a max key one byte longer
   * than any key; its delta must decode (a reader that cannot read it cannot follow the log).
   */
  @Test
  void rangeDeletesToTheEndOfTheKeyspaceAndTtlsRoundTrip() {
    SstInfo open =
        new SstInfo("l0/x.sst", 100, 0, new byte[] {0}, Op.DeleteRange.END_OF_KEYS, 8, 8);
    ManifestDelta d =
        new ManifestDelta(6, 2, 101, 2_001, List.of(new ManifestEdit.AddL0(open)), List.of());
    assertEquals(d, ManifestCodec.decodeDelta("t", ManifestCodec.encode(d)));
    LogCommand batch =
        new LogCommand.ClientBatch(
            "gw-1",
            44,
            LogCommand.NO_DEADLINE,
            new WriteBatch(
                List.of(
                    Op.DeleteRange.prefix(new byte[0]),
                    Op.DeleteRange.prefix(new byte[] {(byte) 0xFF}),
                    new Op.DeleteRange("a".getBytes(), "b".getBytes()),
                    new Op.Put(Key.of("t"), "v".getBytes(), Condition.ABSENT, 1500)),
                null));
    assertEquals(batch, LogCodec.decodeCommand("t", LogCodec.encode(batch)));
  }

  @Test
  void everySingleByteChangeOfASnapshotIsDetected() {
    ManifestSnapshot s =
        new ManifestSnapshot(
            new Manifest(5, 2, 100, 9, List.of(SST), List.of()),
            4711,
            List.of(new RequestRecord("r", new Outcome.Committed(3), 8)));
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
    byte[] bytes = LogCodec.encode(new LogCommand.ClientBatch("gw", 1, 0, BATCH));
    bytes[0] = 9;
    UnsupportedFormatVersionException e =
        assertThrows(
            UnsupportedFormatVersionException.class,
            () -> LogCodec.decodeCommand("writes@17", bytes));
    assertTrue(e.getMessage().contains("reads version 1 to 2"), e.getMessage());
    assertThrows(
        FormatException.class, () -> LogCodec.decodeCommand("writes@18", new byte[] {1, 1, 5}));
    assertThrows(FormatException.class, () -> LogCodec.decodeCommand("writes@19", new byte[0]));
  }
}
