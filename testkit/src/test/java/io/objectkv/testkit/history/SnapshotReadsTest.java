package io.objectkv.testkit.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotReadsTest {
  private static Operation op(long id, Call call, Result r) {
    return new Operation(id, 1, call, r, id * 10, id * 10 + 5);
  }

  @Test
  void aMultiGetMustNotShowHalfABatch() {
    Operation batch = op(1, new Call.Batch(List.of("a", "b"), "x"), new Result.Ok(7));
    Operation whole =
        op(
            2,
            new Call.MultiGet(List.of("a", "b"), true),
            new Result.MultiRead(
                Map.of("a", new Result.Value("x", 7), "b", new Result.Value("x", 7)), 9));
    Operation torn =
        op(
            3,
            new Call.MultiGet(List.of("a", "b"), true),
            new Result.MultiRead(Map.of("a", new Result.Value("x", 7)), 8));
    assertEquals(List.of(), SnapshotReads.check(List.of(batch, whole)));
    List<SnapshotReads.Violation> v = SnapshotReads.check(List.of(batch, whole, torn));
    assertEquals(1, v.size(), v.toString());
    assertEquals("b", v.getFirst().key());
  }

  @Test
  void aReadBelowAChangeDoesNotSeeIt() {
    Operation w1 = op(1, new Call.Put("a", "1", new Call.Cond.None()), new Result.Ok(3));
    Operation w2 = op(2, new Call.Put("a", "2", new Call.Cond.None()), new Result.Ok(5));
    Operation atFour =
        op(3, new Call.Read("a", true), new Result.Read(new Result.Value("1", 3), 4));
    Operation wrong = op(4, new Call.Read("a", true), new Result.Read(new Result.Value("1", 3), 6));
    assertEquals(List.of(), SnapshotReads.check(List.of(w1, w2, atFour)));
    assertEquals(1, SnapshotReads.check(List.of(w1, w2, atFour, wrong)).size());
  }
}
