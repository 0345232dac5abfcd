package io.objectkv.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatchCheckTest {
  private final List<Operation> ops = new ArrayList<>();

  private void op(Call call, Result result) {
    ops.add(new Operation(ops.size(), 0, call, result, ops.size(), ops.size() + 1));
  }

  private static final Call.Cond NONE = new Call.Cond.None();

  private static WatchCheck.Change at(long version, String key, String value) {
    return new WatchCheck.Change(version, key, value);
  }

  private List<String> check(List<WatchCheck.Change> seen) {
    return WatchCheck.check(ops, seen, 2, 20, key -> key.startsWith("k"));
  }

  /** A put at 5, a batch at 7 (one of its keys outside the range), an unknown put, a failed one. */
  private void history() {
    op(new Call.Put("k1", "a", NONE), new Result.Ok(5));
    op(new Call.Batch(List.of("k1", "k2", "other"), "b"), new Result.Ok(7));
    op(new Call.Put("k2", "c", NONE), new Result.Unknown());
    op(new Call.Put("k1", "x", new Call.Cond.Absent()), new Result.Failed("exists"));
    op(new Call.Delete("k2", NONE), new Result.Ok(12));
    op(new Call.Put("k1", "before", NONE), new Result.Ok(2)); // before the watch started
  }

  @Test
  void aCompleteOrderedWatchPasses() {
    history();
    assertEquals(
        List.of(),
        check(
            List.of(
                at(5, "k1", "a"),
                at(7, "k1", "b"),
                at(7, "k2", "b"),
                at(9, "k2", "c"),
                at(12, "k2", null))));
    assertEquals(
        List.of(),
        check(List.of(at(5, "k1", "a"), at(7, "k1", "b"), at(7, "k2", "b"), at(12, "k2", null))),
        "an unknown write may never have happened");
  }

  @Test
  void aMissingOrPartialAcknowledgedWriteIsCaught() {
    history();
    assertTrue(
        check(List.of(at(5, "k1", "a"), at(7, "k1", "b"), at(12, "k2", null)))
            .getFirst()
            .contains("acknowledged write at 7"));
    assertEquals(1, check(List.of(at(7, "k1", "b"), at(7, "k2", "b"), at(12, "k2", null))).size());
  }

  @Test
  void repeatsAndDisorderAreCaught() {
    history();
    List<WatchCheck.Change> twice =
        List.of(
            at(5, "k1", "a"),
            at(7, "k1", "b"),
            at(7, "k2", "b"),
            at(5, "k1", "a"),
            at(12, "k2", null));
    assertTrue(
        check(twice).stream().anyMatch(p -> p.contains("out of order")), check(twice).toString());
    List<WatchCheck.Change> swapped =
        List.of(at(7, "k1", "b"), at(7, "k2", "b"), at(5, "k1", "a"), at(12, "k2", null));
    assertTrue(check(swapped).stream().anyMatch(p -> p.contains("out of order")));
  }

  @Test
  void anEventNoWriteCouldMakeIsCaught() {
    history();
    List<WatchCheck.Change> failedWrite =
        List.of(
            at(5, "k1", "a"),
            at(7, "k1", "b"),
            at(7, "k2", "b"),
            at(9, "k1", "x"),
            at(12, "k2", null));
    assertEquals(1, check(failedWrite).size(), "a failed write never appears");
    List<WatchCheck.Change> unknownTwice =
        List.of(
            at(5, "k1", "a"),
            at(7, "k1", "b"),
            at(7, "k2", "b"),
            at(9, "k2", "c"),
            at(10, "k2", "c"),
            at(12, "k2", null));
    assertEquals(1, check(unknownTwice).size(), "an unknown put makes one event at most");
  }
}
