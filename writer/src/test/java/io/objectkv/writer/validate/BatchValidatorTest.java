package io.objectkv.writer.validate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {
  private final Map<Key, Current> state = new HashMap<>();

  private static final long NOW = 1_000_000;

  private BatchValidator.Decision decide(long version, Op... ops) {
    return decideAt(version, NOW, ops);
  }

  private BatchValidator.Decision decideAt(long version, long now, Op... ops) {
    return BatchValidator.decide(
        new WriteBatch(List.of(ops), null),
        version,
        now,
        k -> state.getOrDefault(k, Current.NEVER_WRITTEN));
  }

  private static Op.DeleteRange range(String start, String end) {
    return new Op.DeleteRange(start.getBytes(), end.getBytes());
  }

  private static Op put(String k, String v, Condition c) {
    return Op.write(Key.of(k), v.getBytes(), c);
  }

  @Test
  void everyConditionHoldsAndFailsAsSpecified() {
    state.put(Key.of("x"), new Current(7, "seven".getBytes()));
    state.put(Key.of("gone"), new Current(9, new byte[0]));
    record Case(Condition condition, String key, Reason expected) {}
    List<Case> cases =
        List.of(
            new Case(Condition.ABSENT, "x", Reason.EXISTS),
            new Case(Condition.ABSENT, "new", null),
            new Case(Condition.ABSENT, "gone", null),
            new Case(Condition.EXISTS, "x", null),
            new Case(Condition.EXISTS, "new", Reason.ABSENT),
            new Case(Condition.EXISTS, "gone", Reason.ABSENT),
            new Case(new Condition.VersionIs(7), "x", null),
            new Case(new Condition.VersionIs(6), "x", Reason.VERSION_MISMATCH),
            new Case(new Condition.VersionIs(9), "gone", Reason.ABSENT),
            new Case(new Condition.ValueIs("seven".getBytes()), "x", null),
            new Case(new Condition.ValueIs("eight".getBytes()), "x", Reason.VALUE_MISMATCH),
            new Case(new Condition.ValueIs("x".getBytes()), "new", Reason.ABSENT));
    for (Case c : cases) {
      for (Op op :
          List.of(
              put(c.key, "v", c.condition),
              new Op.Delete(Key.of(c.key), c.condition),
              new Op.Check(Key.of(c.key), c.condition))) {
        Outcome o = decide(100, op).outcome();
        if (c.expected == null) {
          assertEquals(new Outcome.Committed(100), o, c + " " + op);
        } else {
          Outcome.ConditionFailed f =
              assertInstanceOf(Outcome.ConditionFailed.class, o, c + " " + op);
          assertEquals(c.expected, f.reason());
          assertEquals(
              c.key.equals("x") ? 7 : -1,
              f.currentVersion(),
              "currentVersion only where the key exists");
        }
      }
    }
  }

  @Test
  void conditionsSeeEarlierOpsOfTheSameBatch() {
    BatchValidator.Decision d =
        decide(
            50,
            put("a", "1", Condition.ABSENT),
            put("a", "2", new Condition.VersionIs(50)),
            new Op.Check(Key.of("a"), new Condition.ValueIs("2".getBytes())),
            new Op.Delete(Key.of("a"), Condition.EXISTS),
            new Op.Check(Key.of("a"), Condition.ABSENT));
    assertEquals(new Outcome.Committed(50), d.outcome());
    assertEquals(1, d.mutations().size(), "one write per key: the last");
    assertArrayEquals(new byte[0], d.mutations().getFirst().value());
  }

  @Test
  void theFirstFailureAbortsAndNamesItsIndex() {
    state.put(Key.of("b"), new Current(3, "x".getBytes()));
    BatchValidator.Decision d =
        decide(
            60,
            put("a", "1", Condition.NONE),
            put("b", "2", Condition.ABSENT),
            put("c", "3", Condition.EXISTS));
    assertEquals(new Outcome.ConditionFailed(1, Key.of("b"), Reason.EXISTS, 3), d.outcome());
    assertEquals(List.of(), d.mutations(), "nothing of an aborted batch is written");
  }

  @Test
  void aFailureInsideTheBatchReportsTheBatchLocalVersion() {
    BatchValidator.Decision d =
        decide(70, put("a", "1", Condition.NONE), put("a", "2", Condition.ABSENT));
    assertEquals(new Outcome.ConditionFailed(1, Key.of("a"), Reason.EXISTS, 70), d.outcome());
  }

  @Test
  void malformedBatchesAreRejectedWhole() {
    assertInstanceOf(Outcome.Rejected.class, decide(1).outcome());
    assertInstanceOf(Outcome.Rejected.class, decide(1, put("", "v", Condition.NONE)).outcome());
    assertInstanceOf(
        Outcome.Rejected.class,
        decide(1, Op.write(new Key(new byte[4097]), new byte[] {1}, Condition.NONE)).outcome());
  }

  @Test
  void aDeletedRangeIsGoneForTheLaterOpsOfItsBatchAndItsEarlierWritesAreNotKept() {
    state.put(Key.of("b"), new Current(3, "x".getBytes()));
    state.put(Key.of("d"), new Current(4, "y".getBytes()));
    BatchValidator.Decision d =
        decide(
            80,
            put("c", "early", Condition.NONE),
            range("b", "d"),
            new Op.Check(Key.of("b"), Condition.ABSENT),
            new Op.Check(Key.of("c"), Condition.ABSENT),
            new Op.Check(Key.of("d"), Condition.EXISTS), // the end is not in the range
            put("b", "again", Condition.ABSENT));
    assertEquals(new Outcome.Committed(80), d.outcome());
    assertEquals(List.of(range("b", "d")), d.ranges());
    assertEquals(1, d.mutations().size(), "c's write is the range's; b's later put stands");
    assertEquals(Key.of("b"), d.mutations().getFirst().key());

    Outcome failed =
        decide(81, range("a", "z"), new Op.Check(Key.of("d"), Condition.EXISTS)).outcome();
    assertEquals(new Outcome.ConditionFailed(1, Key.of("d"), Reason.ABSENT, -1), failed);
  }

  @Test
  void aValuePastItsExpiryIsAbsentForConditions() {
    BatchValidator.Decision d =
        decideAt(90, NOW, new Op.Put(Key.of("t"), "v".getBytes(), Condition.NONE, 500));
    assertEquals(NOW + 500, d.mutations().getFirst().expiresAtMillis(), "from the commit time");
    state.put(Key.of("t"), new Current(90, "v".getBytes(), NOW + 500));
    assertInstanceOf(
        Outcome.ConditionFailed.class,
        decideAt(91, NOW + 499, put("t", "w", Condition.ABSENT)).outcome());
    assertEquals(
        new Outcome.Committed(92),
        decideAt(92, NOW + 500, put("t", "w", Condition.ABSENT)).outcome());
    assertEquals(
        new Outcome.ConditionFailed(0, Key.of("t"), Reason.ABSENT, -1),
        decideAt(93, NOW + 501, new Op.Check(Key.of("t"), new Condition.VersionIs(90))).outcome());
  }
}
