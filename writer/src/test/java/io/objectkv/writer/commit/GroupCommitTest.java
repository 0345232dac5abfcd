package io.objectkv.writer.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.model.Key;
import io.objectkv.core.model.Outcome;
import io.objectkv.format.Entry;
import io.objectkv.format.Footer;
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
    return new Mutation(Key.of(key), utf8(value));
  }

  private static String describe(Entry e) {
    return e.version() + ":" + new String(e.key()) + "=" + new String(e.value());
  }

  @Test
  void theWalKeepsEveryCommittedBatchsWritesAndTheDataOnlyTheNewestPerKey() {
    GroupCommit g = new GroupCommit();
    g.write(10, List.of(write("b", "1"), write("a", "1")));
    g.outcome(10, "gw", 1, "req-10", new Outcome.Committed(10), null);
    g.outcome(11, "gw", 2, null, new Outcome.Rejected("too large"), null);
    g.write(12, List.of(write("a", ""))); // a delete
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
}
