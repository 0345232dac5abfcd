package io.objectkv.writer.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.SstOptions;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.writer.validate.KeyStates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The decider's answers to the defects found by reading the code (issue 11), one case each. */
class DeciderTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private Decider decider(Manifest m) {
    TableCache tables = new TableCache(new StoreRangeFetcher(store), new BlockCache(1 << 20));
    return new Decider(
        m,
        m.writerEpoch() + 1,
        new RequestBook(Duration.ofSeconds(60), 64L << 20),
        new KeyStates(LsmView.open(m, tables), 1 << 20),
        v -> "l0/" + v + ".sst",
        SstOptions.DEFAULT,
        Decider.Bounds.DEFAULT);
  }

  private static LogRecord record(long offset, LogCommand c) {
    return new LogRecord(offset, 1_000 + offset, LogCodec.encode(c));
  }

  /**
   * Defect 2: 3,000 batches whose check fails on a 4 KiB key, each with a request id, made one
   * delta of 12 MB that the manifest log refused, forever. Every delta now stays under the bound,
   * and every record is decided.
   */
  @Test
  void noClientInputMakesADeltaTheManifestLogRefuses() {
    byte[] big = new byte[4096];
    Arrays.fill(big, (byte) 'k');
    List<LogRecord> log = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      WriteBatch b =
          new WriteBatch(
              List.of(new Op.Check(new Key(big), Condition.EXISTS)),
              "00000000-0000-0000-0000-" + String.format("%012d", i));
      log.add(record(i, new LogCommand.ClientBatch("gw", i, LogCommand.NO_DEADLINE, b)));
    }
    Decider d = decider(Manifest.EMPTY);
    int decided = 0;
    int groups = 0;
    while (decided < log.size()) {
      Decider.Decision g = d.decide(log.subList(decided, log.size()));
      int bytes = ManifestCodec.encode(g.delta()).length;
      assertTrue(bytes <= Decider.Bounds.DEFAULT.deltaBytes(), bytes + " bytes");
      assertTrue(bytes < TopicSetup.MAX_WRITE_RECORD_BYTES);
      assertEquals(g.consumed(), g.count(Decider.Tally.CONDITION_FAILED));
      decided += g.consumed();
      groups++;
    }
    assertEquals(1, groups, "remembered failures keep no key: 3,000 fit one delta");
  }

  /** Defect 8: records missing before the next one to decide (retention, a recreated topic). */
  @Test
  void aGapInTheWriteLogIsRefused() {
    Decider d = decider(Manifest.EMPTY);
    WriteBatch b =
        new WriteBatch(List.of(new Op.Put(Key.of("a"), new byte[] {1}, Condition.NONE)), null);
    assertThrows(
        LogGapException.class,
        () -> d.decide(List.of(record(5, new LogCommand.ClientBatch("gw", 1, 0, b)))));
    d.decide(List.of(record(0, new LogCommand.ClientBatch("gw", 1, 0, b))));
    assertThrows(
        IllegalStateException.class,
        () -> d.decide(List.of(record(0, new LogCommand.ClientBatch("gw", 1, 0, b)))),
        "going back is not deciding twice");
  }

  /**
   * Defect 8: a compaction whose result breaks the invariants (an output newer than the applied
   * version) was accepted and then threw in apply, a crash loop. It is refused as an outcome.
   */
  @Test
  void aCompactionThatWouldBreakTheManifestIsRefusedNotThrown() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    io.objectkv.format.SstWriter w = new io.objectkv.format.SstWriter(bytes, SstOptions.DEFAULT);
    w.add(new byte[] {1}, 3, new byte[] {7});
    SstInfo l0 = SstInfo.of("l0/a", w.finish());
    store.put("l0/a", io.objectkv.core.store.Content.of(bytes.toByteArray()));
    Manifest m = new Manifest(4, 1, 3, 1_000, List.of(l0), List.of());
    Decider d = decider(m);
    SstInfo tooNew = new SstInfo("l1/x", 10, 1, new byte[] {1}, new byte[] {1}, 3, 99);
    Decider.Decision g =
        d.decide(
            List.of(
                record(
                    4,
                    new LogCommand.CompactionCommit(
                        "c",
                        1_000,
                        List.of("l0/a"),
                        List.of(),
                        List.of(tooNew),
                        io.objectkv.core.manifest.ManifestEdit.Level.L1))));
    assertEquals(1, g.count(Decider.Tally.COMPACTION_REJECTED));
    assertEquals(m.l0(), g.manifest().l0());
  }

  /**
   * Defect 6: a copy of a request that reaches the log after its deadline is not applied, and a
   * retry decided before it is answered, not applied again.
   */
  @Test
  void lateCopiesAreRefusedAndRetriesAnswered() {
    Decider d = decider(Manifest.EMPTY);
    WriteBatch b =
        new WriteBatch(List.of(new Op.Put(Key.of("a"), new byte[] {1}, Condition.NONE)), "r-1");
    // the retry (offset 0) lands first and is applied; the original's copy (offset 1) comes late
    Decider.Decision g =
        d.decide(
            List.of(
                record(0, new LogCommand.ClientBatch("gw", 2, 10_000, b)),
                record(1, new LogCommand.ClientBatch("gw", 1, 500, b)),
                record(
                    2, new LogCommand.ClientBatch("gw", 3, 500, new WriteBatch(b.ops(), "r-2")))));
    List<Outcome> outcomes = g.group().replies().stream().map(r -> r.outcome()).toList();
    assertEquals(new Outcome.Committed(0), outcomes.get(0));
    assertEquals(new Outcome.Committed(0), outcomes.get(1), "the copy gets the first outcome");
    assertInstanceOf(Outcome.Expired.class, outcomes.get(2), "past its deadline: not applied");
    assertEquals(1, g.count(Decider.Tally.COMMITTED));
  }
}
