package io.objectkv.writer.commit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.format.Entry;
import io.objectkv.format.Footer;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.WalRecord;
import io.objectkv.format.WalSection;
import io.objectkv.writer.validate.Mutation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupCommitTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Mutation write(String key, String value) {
    return new Mutation(Key.of(key), utf8(value), Entry.NEVER);
  }

  private static String describe(Entry e) {
    return e.version() + ":" + new String(e.key()) + "=" + new String(e.value());
  }

  @Test
  void theWalKeepsEveryCommittedBatchsWritesAndTheDataOnlyTheNewestPerKey() {
    GroupCommit g = new GroupCommit();
    g.write(10, List.of(write("b", "1"), write("a", "1")), List.of());
    g.outcome(10, "gw", 1, "req-10", new Outcome.Committed(10), null);
    g.outcome(11, "gw", 2, null, new Outcome.Rejected("too large"), null);
    g.write(12, List.of(write("a", "")), List.of()); // a delete
    g.outcome(12, "gw", 3, null, new Outcome.Committed(12), null);
    g.outcome(13, "gw", 4, "req-10", new Outcome.Committed(10), null); // a retry: no writes

    byte[] object = g.buildL0("l0/x", SstOptions.DEFAULT).bytes();
    SstReader sst = SstReader.of("l0/x", object);
    List<String> data = new ArrayList<>();
    sst.scan(null, null, false).forEachRemaining(e -> data.add(describe(e)));
    assertEquals(List.of("12:a=", "10:b=1"), data);

    Footer f = sst.metadata().footer();
    List<WalRecord> wal =
        WalSection.decode(
            "l0/x", f, Arrays.copyOfRange(object, (int) f.wal().offset(), (int) f.wal().end()));
    assertEquals(List.of(10L, 11L, 12L, 13L), wal.stream().map(WalRecord::version).toList());
    assertEquals(
        List.of("10:a=1", "10:b=1"),
        wal.get(0).writes().stream().map(GroupCommitTest::describe).toList(),
        "in key order");
    assertEquals(List.of(), wal.get(1).writes());
    assertEquals(
        List.of("12:a="), wal.get(2).writes().stream().map(GroupCommitTest::describe).toList());
    assertEquals(List.of(), wal.get(3).writes());
  }

  @Test
  void aRangeDeleteIsOneTombstoneInTheObjectAndInItsBatchsWalRecord() {
    GroupCommit g = new GroupCommit();
    g.write(20, List.of(write("k1", "1"), write("k5", "5")), List.of());
    g.outcome(20, "gw", 1, null, new Outcome.Committed(20), null);
    Op.DeleteRange range = new Op.DeleteRange(utf8("k0"), utf8("k9"));
    g.write(21, List.of(new Mutation(Key.of("k7"), utf8("7"), 5_000)), List.of(range));
    g.outcome(21, "gw", 2, null, new Outcome.Committed(21), null);

    GroupCommit.L0Object l0 = g.buildL0("l0/y", SstOptions.DEFAULT);
    SstReader sst = SstReader.of("l0/y", l0.bytes());
    RangeTombstone tombstone = new RangeTombstone(utf8("k0"), utf8("k9"), 21);
    assertEquals(List.of(tombstone), sst.metadata().rangeTombstones());
    assertEquals(5_000, sst.get(utf8("k7")).expiresAtMillis());
    assertTrue(tombstone.hides(sst.get(utf8("k1"))), "older writes of the group are hidden");
    assertArrayEquals(utf8("k0"), l0.info().minKey(), "the key bounds cover the range");
    assertArrayEquals(utf8("k9"), l0.info().maxKey());

    Footer f = sst.metadata().footer();
    List<WalRecord> wal =
        WalSection.decode(
            "l0/y", f, Arrays.copyOfRange(l0.bytes(), (int) f.wal().offset(), (int) f.wal().end()));
    assertEquals(List.of(), wal.get(0).rangeDeletes());
    assertEquals(List.of(tombstone), wal.get(1).rangeDeletes());
    assertEquals(5_000, wal.get(1).writes().getFirst().expiresAtMillis());
  }
}
