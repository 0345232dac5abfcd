package io.objectkv.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.objectkv.testkit.history.Call.Cond;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearizabilityTest {
  private final List<Operation> ops = new ArrayList<>();
  private long ids;

  private void op(int client, Call call, Result result, long from, long to) {
    ops.add(new Operation(++ids, client, call, result, from, to));
  }

  private static Call put(String v) {
    return new Call.Put("k", v, new Cond.None());
  }

  private static Result read(String v, long version) {
    return new Result.Read(new Result.Value(v, version), Math.max(version, 0));
  }

  private Linearizability.Verdict verdict() {
    List<Linearizability.Verdict> v = Linearizability.check(ops, 1_000_000);
    assertEquals(1, v.size());
    return v.getFirst();
  }

  private void assertLinearizable() {
    assertInstanceOf(Linearizability.Verdict.Linearizable.class, verdict(), ops.toString());
  }

  private void assertAnomaly() {
    assertInstanceOf(Linearizability.Verdict.Anomaly.class, verdict(), ops.toString());
  }

  @Test
  void aReadAfterAnAcknowledgedWriteMustSeeIt() {
    op(1, put("a"), new Result.Ok(1), 0, 10);
    op(2, new Call.Read("k", true), read(null, -1), 20, 30);
    assertAnomaly();
  }

  @Test
  void aReadConcurrentWithAWriteMaySeeEither() {
    op(1, put("a"), new Result.Ok(1), 0, 50);
    op(2, new Call.Read("k", true), read(null, -1), 10, 20);
    op(3, new Call.Read("k", true), read("a", 1), 30, 40);
    assertLinearizable();
  }

  @Test
  void readsMustNotGoBackInTime() {
    op(1, put("a"), new Result.Ok(1), 0, 100);
    op(2, new Call.Read("k", true), read("a", 1), 10, 20);
    op(3, new Call.Read("k", true), read(null, -1), 30, 40); // after a was seen, absent again
    assertAnomaly();
  }

  @Test
  void twoCompareAndSetsOnOneVersionCannotBothSucceed() {
    op(1, put("a"), new Result.Ok(1), 0, 10);
    op(2, new Call.Read("k", true), read("a", 1), 20, 30);
    op(3, new Call.Put("k", "b", new Cond.Version(1)), new Result.Ok(2), 40, 60);
    op(4, new Call.Put("k", "c", new Cond.Version(1)), new Result.Ok(3), 45, 70);
    assertAnomaly();
    ops.removeLast();
    op(
        4,
        new Call.Put("k", "c", new Cond.Version(1)),
        new Result.Failed("version_mismatch"),
        45,
        70);
    assertLinearizable();
  }

  @Test
  void aFailedConditionMustHaveFailedForItsReason() {
    op(1, new Call.Put("k", "a", new Cond.Absent()), new Result.Failed("exists"), 0, 10);
    assertAnomaly(); // nothing was ever written: put-if-absent cannot find the key present
    ops.clear();
    op(1, put("a"), new Result.Ok(1), 0, 10);
    op(2, new Call.Put("k", "b", new Cond.Value("zzz")), new Result.Failed("absent"), 20, 30);
    assertAnomaly(); // it exists: a value mismatch, not absent
    ops.removeLast();
    op(
        2,
        new Call.Put("k", "b", new Cond.Value("zzz")),
        new Result.Failed("value_mismatch"),
        20,
        30);
    assertLinearizable();
  }

  @Test
  void anUnknownWriteMayHaveHappenedOrNot() {
    op(1, put("a"), new Result.Unknown(), 0, 0);
    op(2, new Call.Read("k", true), read(null, -1), 20, 30);
    op(3, new Call.Read("k", true), read("a", 5), 40, 50);
    assertLinearizable(); // it took effect late
    ops.add(new Operation(++ids, 4, new Call.Read("k", true), read(null, -1), 60, 70));
    assertAnomaly(); // seen, then gone without a delete
  }

  @Test
  void deletesAndConditionalDeletes() {
    op(1, put("a"), new Result.Ok(1), 0, 10);
    op(2, new Call.Delete("k", new Cond.Exists()), new Result.Ok(2), 20, 30);
    op(3, new Call.Delete("k", new Cond.Exists()), new Result.Failed("absent"), 40, 50);
    op(4, new Call.Put("k", "b", new Cond.Absent()), new Result.Ok(4), 60, 70);
    op(5, new Call.Read("k", true), read("b", 4), 80, 90);
    assertLinearizable();
    ops.set(
        2, new Operation(3, 3, new Call.Delete("k", new Cond.Exists()), new Result.Ok(3), 40, 50));
    assertAnomaly(); // two deletes-if-exists in a row cannot both apply
  }

  @Test
  void batchesAndMultiGetsAreCheckedPerKey() {
    op(1, new Call.Batch(List.of("k", "j"), "x"), new Result.Ok(3), 0, 10);
    op(
        2,
        new Call.MultiGet(List.of("k", "j"), true),
        new Result.MultiRead(
            Map.of("k", new Result.Value("x", 3), "j", new Result.Value(null, -1)), 3),
        20,
        30);
    List<Linearizability.Verdict> v = Linearizability.check(ops, 1_000_000);
    assertInstanceOf(Linearizability.Verdict.Linearizable.class, v.get(1)); // "k"
    assertInstanceOf(Linearizability.Verdict.Anomaly.class, v.get(0)); // "j" lost the batch
  }

  /** Sequential histories produced by a correct register are always accepted, quickly. */
  @Test
  void acceptsLongCorrectHistoriesWithConcurrency() {
    Random rnd = new Random(7);
    String state = null;
    long version = 0;
    long t = 0;
    for (int i = 0; i < 3000; i++) {
      t += 10;
      // a correct register, each op taking effect at t, seen by clients over a wider window
      long from = t - rnd.nextInt(25);
      long to = t + rnd.nextInt(25);
      if (rnd.nextBoolean()) {
        String v = "v" + i;
        version++;
        state = v;
        op(i % 12, put(v), new Result.Ok(version), from, to);
      } else {
        op(i % 12, new Call.Read("k", true), read(state, state == null ? -1 : version), from, to);
      }
    }
    assertLinearizable();
  }
}
