package io.objectkv.writer.decide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBookTest {
  private static final Duration RETENTION = Duration.ofSeconds(10);
  private static final WriteBatch ANY = new WriteBatch(List.of(), "x");

  private static ManifestDelta delta(long id, long logTime, RequestRecord... requests) {
    return new ManifestDelta(id, 1, id, logTime, List.of(), List.of(requests));
  }

  @Test
  void remembersTheFirstOutcomeForTheRetentionInLogTime() {
    RequestBook book = new RequestBook(RETENTION, 1 << 20);
    book.remember(RequestBook.recordOf("a", new Outcome.Committed(1), 1_000), 1);
    assertEquals(new Outcome.Committed(1), book.lookup("a", ANY, 1_000));
    assertEquals(new Outcome.Committed(1), book.lookup("a", ANY, 11_000), "exactly at the end");
    assertNull(book.lookup("a", ANY, 11_001), "retention passed: a new decision");
    assertNull(book.lookup("b", ANY, 1_000));
  }

  @Test
  void aRememberedConditionFailureNamesTheRetrysKey() {
    RequestBook book = new RequestBook(RETENTION, 1 << 20);
    Outcome failed = new Outcome.ConditionFailed(1, Key.of("big-key"), Reason.EXISTS, 7);
    RequestRecord r = RequestBook.recordOf("a", failed, 5);
    assertEquals(0, r.outcome() instanceof Outcome.ConditionFailed f ? f.key().bytes().length : -1);
    book.remember(r, 1);
    WriteBatch retry =
        new WriteBatch(
            List.of(
                new Op.Put(Key.of("x"), new byte[] {1}, Condition.NONE),
                new Op.Put(Key.of("big-key"), new byte[] {1}, Condition.ABSENT)),
            "a");
    assertEquals(failed, book.lookup("a", retry, 5));
  }

  /**
   * A snapshot of manifest M holds exactly what the deltas up to M leave remembered at M's log
   * time: not entries of later, uncommitted groups, and not fewer than a replay would keep.
   */
  @Test
  void aSnapshotIsTheBookAsOfItsManifest() {
    RequestBook book = new RequestBook(RETENTION, 1 << 20);
    RequestRecord a = RequestBook.recordOf("a", new Outcome.Committed(1), 1_000);
    RequestRecord b = RequestBook.recordOf("b", new Outcome.Committed(2), 2_000);
    RequestRecord c = RequestBook.recordOf("c", new Outcome.Committed(3), 11_500);
    book.remember(a, 1);
    book.committed(delta(1, 1_000, a));
    book.remember(b, 2);
    book.committed(delta(2, 2_000, b));
    book.remember(c, 3); // decided, not committed
    assertEquals(List.of(a, b), book.snapshot(2));
    assertNull(book.lookup("a", ANY, 11_500), "a is forgotten at c's log time");
    assertEquals(List.of(a, b), book.snapshot(2), "but a snapshot of manifest 2 still holds it");
    book.committed(delta(3, 11_500, c));
    assertEquals(List.of(b, c), book.snapshot(3));

    // A book rebuilt from the snapshot of 2 and delta 3 is the same book.
    ManifestSnapshot s2 =
        new ManifestSnapshot(new Manifest(2, 1, 2, 2_000, List.of(), List.of()), 1, List.of(a, b));
    RequestBook rebuilt =
        RequestBook.of(
            ManifestCodec.decodeSnapshot("s", ManifestCodec.encode(s2)), RETENTION, 1 << 20);
    rebuilt.apply(delta(3, 11_500, c));
    assertEquals(book.snapshot(3), rebuilt.snapshot(3));
    for (String id : List.of("a", "b", "c")) {
      assertEquals(book.lookup(id, ANY, 11_500), rebuilt.lookup(id, ANY, 11_500), id);
    }
  }

  @Test
  void isBoundedByBytesOfWhatIsStillRemembered() {
    RequestBook book = new RequestBook(RETENTION, 600);
    int n = 0;
    while (!book.full(36, 1_000)) {
      book.remember(
          RequestBook.recordOf(
              "00000000-0000-0000-0000-0000000000" + (10 + n), new Outcome.Committed(n), 1_000),
          1);
      n++;
    }
    assertTrue(n > 3 && n < 20, n + " ids fit in 600 bytes");
    assertTrue(book.full(36, 5_000));
    assertFalse(book.full(36, 11_001), "once the retention passed, the old ids no longer count");
  }
}
