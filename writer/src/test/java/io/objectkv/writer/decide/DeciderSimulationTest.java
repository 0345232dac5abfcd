package io.objectkv.writer.decide;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import io.objectkv.writer.validate.KeyStates;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A seeded simulation of the writer's decisions: random batches of every condition, retried and
 * expired requests, compaction starts and commits (valid, stale, too old), decided in groups of
 * random size, committed in order with up to two groups in flight, snapshots through their real
 * encoding, and crashes at random points that lose every uncommitted group and rebuild the decider
 * from the newest snapshot and the deltas after it. Every committed outcome must equal what a
 * simple model, deciding each record once in log order, says; and so must the final database. No
 * clock and no randomness outside the seed: a failure replays from the seed it prints.
 */
class DeciderSimulationTest {
  private static final Duration RETENTION = Duration.ofSeconds(4);
  private static final Duration MAX_AGE = Duration.ofSeconds(3);
  private static final Decider.Bounds BOUNDS =
      new Decider.Bounds(RETENTION, 1L << 40, 1 << 20, MAX_AGE);
  private static final SstOptions SST = new SstOptions(512, 10, true);
  private static final int KEYS = 10;

  @Test
  void committedOutcomesMatchTheModelThroughCrashes() {
    int mergesIntoL0 = 0;
    for (long seed = 1; seed <= 40; seed++) {
      try {
        Run run = new Run(seed);
        run.run();
        mergesIntoL0 += run.mergesIntoL0;
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
      }
    }
    assertTrue(mergesIntoL0 > 20, "tier merges applied: " + mergesIntoL0);
  }

  /** The model: one key-value map, one ledger, deciding each record once, in log order. */
  private static final class Model {
    record Current(long version, byte[] value, long expiresAt) {
      boolean exists(long now) {
        return value.length > 0 && (expiresAt == 0 || now < expiresAt);
      }
    }

    record Remembered(Outcome outcome, long at) {}

    final Map<Key, Current> state = new HashMap<>();
    final Map<String, Remembered> ledger = new HashMap<>();
    long clock;

    Outcome decide(long version, long timestamp, LogCommand command) {
      long now = Math.max(clock, timestamp);
      clock = now;
      if (!(command instanceof LogCommand.ClientBatch b)) {
        return null;
      }
      String id = b.batch().requestId();
      Remembered r = id == null ? null : ledger.get(id);
      if (r != null && r.at() >= now - RETENTION.toMillis()) {
        return r.outcome();
      }
      if (b.deadlineMillis() != 0 && now > b.deadlineMillis()) {
        return new Outcome.Expired(b.deadlineMillis(), now);
      }
      Outcome o = apply(b.batch(), version, now);
      if (id != null) {
        ledger.put(id, new Remembered(o, now));
      }
      return o;
    }

    /** Applies the ops one after the other to a copy of every key: obviously right, if slow. */
    private Outcome apply(WriteBatch batch, long version, long now) {
      if (batch.ops().isEmpty()) {
        return new Outcome.Rejected("a batch needs at least one operation");
      }
      Map<Key, Current> working = new HashMap<>(state);
      Current deleted = new Current(version, new byte[0], 0);
      for (int i = 0; i < batch.ops().size(); i++) {
        if (batch.ops().get(i) instanceof Op.DeleteRange d) {
          working.replaceAll((k, c) -> d.contains(k.bytes()) ? deleted : c);
          continue;
        }
        Op.OnKey op = (Op.OnKey) batch.ops().get(i);
        Current c = working.getOrDefault(op.key(), new Current(-1, new byte[0], 0));
        boolean exists = c.exists(now);
        Reason failed =
            switch (op.condition()) {
              case Condition.None n -> null;
              case Condition.Absent a -> exists ? Reason.EXISTS : null;
              case Condition.Exists e -> exists ? null : Reason.ABSENT;
              case Condition.VersionIs v ->
                  !exists
                      ? Reason.ABSENT
                      : c.version() == v.version() ? null : Reason.VERSION_MISMATCH;
              case Condition.ValueIs v ->
                  !exists
                      ? Reason.ABSENT
                      : Arrays.equals(c.value(), v.value()) ? null : Reason.VALUE_MISMATCH;
            };
        if (failed != null) {
          return new Outcome.ConditionFailed(i, op.key(), failed, exists ? c.version() : -1);
        }
        switch (op) {
          case Op.Put p ->
              working.put(
                  p.key(),
                  new Current(version, p.value(), p.ttlMillis() == 0 ? 0 : now + p.ttlMillis()));
          case Op.Delete d -> working.put(d.key(), deleted);
          case Op.Check ch -> {}
        }
      }
      state.clear();
      state.putAll(working);
      return new Outcome.Committed(version);
    }
  }

  private static final class Run {
    final Random rnd;
    final InMemoryObjectStore store = new InMemoryObjectStore();
    final TableCache tables = new TableCache(new StoreRangeFetcher(store), new BlockCache(1 << 20));
    final List<LogRecord> log = new ArrayList<>();
    final List<WriteBatch> sentWithIds = new ArrayList<>();
    final List<ManifestDelta> committedDeltas = new ArrayList<>();
    final Map<Long, Outcome> committedOutcomes = new HashMap<>();
    final ArrayDeque<Decider.Decision> inFlight = new ArrayDeque<>();
    int mergesIntoL0;
    byte[] snapshot = ManifestCodec.encode(ManifestSnapshot.EMPTY);
    int snapshotDeltas = 0;
    Manifest committed = Manifest.EMPTY;
    Decider decider;
    long time = 1_000_000;
    int attempts;
    int crashes;
    final int records;

    Run(long seed) {
      rnd = new Random(seed);
      records = 300 + rnd.nextInt(300);
      decider = recover();
    }

    void run() {
      while (committedOutcomes.size() < countBatchesOrAll()) {
        int action = rnd.nextInt(100);
        if (action < 35 && log.size() < records) {
          for (int n = 1 + rnd.nextInt(6); n > 0 && log.size() < records; n--) {
            append();
          }
        } else if (action < 70 && decider.nextOffset() < log.size()) {
          if (inFlight.size() == 2) {
            commitOldest();
          }
          int from = (int) decider.nextOffset();
          int to = Math.min(log.size(), from + 1 + rnd.nextInt(25));
          Decider.Decision d = decider.decide(log.subList(from, to));
          assertTrue(d.consumed() >= 1 && d.consumed() <= to - from);
          if (d.l0() != null) {
            store.put(d.l0().key(), Content.of(d.l0().bytes())); // uploaded before it commits
          }
          inFlight.add(d);
        } else if (action < 94 && !inFlight.isEmpty()) {
          commitOldest();
        } else if (action < 97) {
          crash();
        } else if (log.size() >= records
            && inFlight.isEmpty()
            && decider.nextOffset() >= log.size()) {
          break;
        }
      }
      while (!inFlight.isEmpty()) {
        commitOldest();
      }
      check();
    }

    /** Log records whose outcome the model and the writer both give (client batches). */
    private long countBatchesOrAll() {
      if (log.size() < records) {
        return Long.MAX_VALUE;
      }
      return log.stream()
          .filter(r -> LogCodec.decodeCommand("x", r.value()) instanceof LogCommand.ClientBatch)
          .count();
    }

    void append() {
      time += rnd.nextInt(400) - (rnd.nextInt(10) == 0 ? 300 : 0); // broker clocks may step back
      long offset = log.size();
      LogCommand command;
      int kind = rnd.nextInt(100);
      if (kind < 8 && !sentWithIds.isEmpty()) {
        // a retry, or a late copy, of an earlier request: same id, same ops
        WriteBatch again = sentWithIds.get(rnd.nextInt(sentWithIds.size()));
        command = new LogCommand.ClientBatch("gw", offset, time + 5_000, again);
      } else if (kind < 12) {
        command = new LogCommand.ClientBatch("gw", offset, time - 1 - rnd.nextInt(100), batch());
      } else if (kind < 15) {
        command = new LogCommand.CompactionStart("c" + offset);
      } else if (kind < 20) {
        command = compaction();
      } else if (kind < 21) {
        command =
            new LogCommand.ClientBatch(
                "gw", offset, 0, new WriteBatch(List.of(), "empty-" + offset));
      } else {
        WriteBatch b = batch();
        command = new LogCommand.ClientBatch("gw", offset, rnd.nextBoolean() ? 0 : time + 5_000, b);
        if (b.requestId() != null) {
          sentWithIds.add(b);
        }
      }
      log.add(new LogRecord(offset, time, LogCodec.encode(command)));
    }

    private Key key() {
      return Key.of("k" + rnd.nextInt(KEYS));
    }

    private Condition condition() {
      return switch (rnd.nextInt(7)) {
        case 0 -> Condition.ABSENT;
        case 1 -> Condition.EXISTS;
        case 2 -> new Condition.VersionIs(Math.max(0, log.size() - rnd.nextInt(20)));
        case 3 -> new Condition.ValueIs(("v" + rnd.nextInt(4)).getBytes(StandardCharsets.UTF_8));
        default -> Condition.NONE;
      };
    }

    private WriteBatch batch() {
      List<Op> ops = new ArrayList<>();
      for (int n = 1 + rnd.nextInt(3); n > 0; n--) {
        Key k = key();
        Condition c = condition();
        byte[] v = ("v" + rnd.nextInt(4)).getBytes(StandardCharsets.UTF_8);
        ops.add(
            switch (rnd.nextInt(14)) {
              case 0, 1 -> new Op.Delete(k, c);
              case 2, 3 ->
                  c instanceof Condition.None
                      ? new Op.Check(k, Condition.EXISTS)
                      : new Op.Check(k, c);
              case 4 -> deleteRange();
              case 5, 6 -> new Op.Put(k, v, c, 1 + rnd.nextInt(800)); // expires within records
              default -> new Op.Put(k, v, c);
            });
      }
      String id = rnd.nextInt(3) == 0 ? null : "req-" + log.size();
      return new WriteBatch(ops, id);
    }

    /** Keys k{a}..k{b-1}, or every key (prefix "k"). */
    private Op.DeleteRange deleteRange() {
      if (rnd.nextInt(5) == 0) {
        return Op.DeleteRange.prefix("k".getBytes(StandardCharsets.UTF_8));
      }
      int a = rnd.nextInt(KEYS);
      int b = a + 1 + rnd.nextInt(KEYS - a);
      return new Op.DeleteRange(
          ("k" + a).getBytes(StandardCharsets.UTF_8),
          (b == KEYS ? "k:" : "k" + b).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A compaction of the oldest L0 objects of the committed manifest, merged for real (the newest
     * version wins, tombstones dropped) into one L1 object; sometimes started too long ago.
     */
    private LogCommand.CompactionCommit compaction() {
      Manifest m = committed;
      String id = "c" + log.size();
      long startedAt =
          rnd.nextInt(5) == 0
              ? time - MAX_AGE.toMillis() - 1 - rnd.nextInt(500)
              : time - rnd.nextInt(500);
      if (m.l0().isEmpty()) {
        return new LogCommand.CompactionCommit(
            id, startedAt, List.of("l0/gone"), List.of(), List.of(), ManifestEdit.Level.L1);
      }
      if (m.l0().size() >= 2 && rnd.nextInt(3) == 0) {
        return mergeIntoL0(m, id, startedAt);
      }
      List<SstInfo> l0 = m.l0().subList(0, 1 + rnd.nextInt(m.l0().size()));
      TreeMap<Key, Entry> merged = new TreeMap<>();
      for (SstInfo s : m.l1()) {
        read(s, merged);
      }
      List<RangeTombstone> ranges = new ArrayList<>();
      for (SstInfo s : l0) {
        read(s, merged); // oldest first: newer versions replace older ones
        ranges.addAll(SstReader.of(s.key(), store.get(s.key())).metadata().rangeTombstones());
      }
      merged.values().removeIf(e -> e.isTombstone() || ranges.stream().anyMatch(t -> t.hides(e)));
      List<SstInfo> outputs = new ArrayList<>();
      if (!merged.isEmpty()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SstWriter w = new SstWriter(out, SST);
        merged.values().forEach(w::add);
        SstSummary summary = w.finish();
        String key = "l1/" + id + ".sst";
        store.put(key, Content.of(out.toByteArray()));
        outputs.add(SstInfo.of(key, summary));
      }
      return new LogCommand.CompactionCommit(
          id,
          startedAt,
          l0.stream().map(SstInfo::key).toList(),
          m.l1().stream().map(SstInfo::key).toList(),
          outputs,
          ManifestEdit.Level.L1);
    }

    /**
     * A tier merge of a run of adjacent L0 objects into one L0 object: the newest version of each
     * key, tombstones and expired values kept (older versions below still need hiding), range
     * tombstones kept and the entries they hide dropped.
     */
    private LogCommand.CompactionCommit mergeIntoL0(Manifest m, String id, long startedAt) {
      int from = rnd.nextInt(m.l0().size() - 1);
      int to = from + 2 + rnd.nextInt(m.l0().size() - from - 1);
      List<SstInfo> run = m.l0().subList(from, to);
      TreeMap<Key, Entry> merged = new TreeMap<>();
      List<RangeTombstone> ranges = new ArrayList<>();
      for (SstInfo s : run) {
        read(s, merged); // oldest first: newer versions replace older ones
        ranges.addAll(SstReader.of(s.key(), store.get(s.key())).metadata().rangeTombstones());
      }
      merged.values().removeIf(e -> ranges.stream().anyMatch(t -> t.hides(e)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SstWriter w = new SstWriter(out, SST);
      merged.values().forEach(w::add);
      ranges.forEach(w::addRangeTombstone);
      SstSummary summary = w.finish();
      String key = "l0/t" + startedAt + "-" + id + "-0.sst";
      store.put(key, Content.of(out.toByteArray()));
      return new LogCommand.CompactionCommit(
          id,
          startedAt,
          run.stream().map(SstInfo::key).toList(),
          List.of(),
          List.of(SstInfo.of(key, summary)),
          ManifestEdit.Level.L0);
    }

    private void read(SstInfo s, Map<Key, Entry> into) {
      Iterator<Entry> it = SstReader.of(s.key(), store.get(s.key())).scan(null, null, false);
      it.forEachRemaining(e -> into.put(new Key(e.key()), e));
    }

    void commitOldest() {
      Decider.Decision d = inFlight.removeFirst();
      committedDeltas.add(d.delta());
      for (ManifestEdit e : d.delta().edits()) {
        if (e instanceof ManifestEdit.Compaction c && c.into() == ManifestEdit.Level.L0) {
          mergesIntoL0++;
        }
      }
      committed = d.manifest();
      decider.committed(d, LsmView.open(d.manifest(), tables));
      for (Reply r : d.group().replies()) {
        // correlation ids are offsets here; the gateway names a failed condition's key from its
        // batch
        long offset = r.correlationId();
        LogCommand.ClientBatch sent =
            (LogCommand.ClientBatch) LogCodec.decodeCommand("x", log.get((int) offset).value());
        assertNull(
            committedOutcomes.put(offset, r.outcome().namedFor(sent.batch())),
            "decided twice: " + offset);
      }
      if (rnd.nextInt(8) == 0) {
        snapshot =
            ManifestCodec.encode(
                new ManifestSnapshot(committed, committedDeltas.size() - 1, snapshotLedger()));
        snapshotDeltas = committedDeltas.size();
      }
    }

    private List<io.objectkv.core.manifest.RequestRecord> snapshotLedger() {
      return book.snapshot(committed.id());
    }

    RequestBook book;

    void crash() {
      crashes++;
      inFlight.clear(); // lost with the process: never committed
      decider = recover();
    }

    /** The newest snapshot and every committed delta after it, as a new writer reads them. */
    Decider recover() {
      ManifestSnapshot s = ManifestCodec.decodeSnapshot("snapshot", snapshot);
      book = RequestBook.of(s, RETENTION, BOUNDS.requestBookBytes());
      Manifest m = s.manifest();
      for (ManifestDelta d : committedDeltas.subList(snapshotDeltas, committedDeltas.size())) {
        book.apply(d);
        m = m.apply(d);
      }
      assertEquals(committed, m, "recovery rebuilds the committed manifest");
      long epoch = m.writerEpoch() + 1;
      int attempt = ++attempts;
      return new Decider(
          m,
          epoch,
          book,
          new KeyStates(LsmView.open(m, tables), 2048),
          v -> String.format("l0/%020d-%d-%d.sst", v, epoch, attempt),
          SST,
          BOUNDS);
    }

    void check() {
      Model model = new Model();
      int compared = 0;
      for (LogRecord r : log) {
        Outcome expected =
            model.decide(r.offset(), r.timestampMillis(), LogCodec.decodeCommand("x", r.value()));
        if (expected == null) {
          continue;
        }
        Outcome actual = committedOutcomes.get(r.offset());
        if (expected instanceof Outcome.Rejected) {
          assertTrue(actual instanceof Outcome.Rejected, "offset " + r.offset() + ": " + actual);
        } else {
          assertEquals(expected, actual, "offset " + r.offset());
        }
        compared++;
      }
      assertTrue(compared > 100, "compared " + compared);
      LsmView view = LsmView.open(committed, tables);
      for (int i = 0; i < KEYS; i++) {
        Key k = Key.of("k" + i);
        Model.Current c = model.state.get(k);
        Entry e = view.get(k.bytes());
        if (c == null || !c.exists(model.clock)) {
          assertTrue(e == null || e.absentAt(model.clock), k + " should be absent: " + e);
        } else {
          assertEquals(c.version(), e.version(), k.toString());
          assertArrayEquals(c.value(), e.value(), k.toString());
        }
      }
    }
  }
}
