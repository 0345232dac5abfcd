package io.objectkv.reader.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.LocalFileObjectStore;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import io.objectkv.format.WalRecord;
import io.objectkv.format.WalSection;
import io.objectkv.reader.query.KeyRange;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The change feed against L0 objects in a real (local-disk) store. */
class ChangeFeedTest {
  @TempDir Path dir;
  private ObjectStore store;
  private ChangeFeed feed;
  private long manifestId;

  private ObjectStore store() {
    if (store == null) {
      store = new LocalFileObjectStore(dir, InstantSource.system());
    }
    return store;
  }

  @AfterEach
  void close() {
    if (feed != null) {
      feed.close();
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A batch at {@code version} writing {@code kv} pairs ("k", "v"; an empty value deletes). */
  private static WalRecord batch(long version, String... kv) {
    List<Entry> writes = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      writes.add(new Entry(utf8(kv[i]), version, utf8(kv[i + 1])));
    }
    writes.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    return new WalRecord(version, new byte[0], new byte[] {1}, writes);
  }

  /** Uploads the L0 object of a group of batches: newest write per key, and the WAL. */
  private SstInfo l0(String name, WalRecord... batches) {
    TreeMap<byte[], Entry> newest = new TreeMap<>(Arrays::compareUnsigned);
    for (WalRecord b : batches) {
      b.writes().forEach(e -> newest.put(e.key(), e));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter sst = new SstWriter(out, SstOptions.DEFAULT);
    newest.values().forEach(e -> sst.add(e.key(), e.version(), e.value()));
    SstSummary summary = sst.finish(WalSection.encode(List.of(batches)));
    store().put(name, Content.of(out.toByteArray()));
    return SstInfo.of(name, summary);
  }

  private ManifestDelta delta(long applied, SstInfo l0) {
    return new ManifestDelta(
        ++manifestId,
        1,
        applied,
        0,
        l0 == null ? List.of() : List.of(new ManifestEdit.AddL0(l0)),
        List.of());
  }

  private static Manifest manifest(long applied, List<SstInfo> l0) {
    return new Manifest(1, 1, applied, 0, l0, List.of());
  }

  private ChangeFeed feed(long maxBytes) {
    feed = new ChangeFeed(store(), maxBytes);
    return feed;
  }

  /** Starts the feed as the tracker's boot does. */
  private void start(Manifest m) throws InterruptedException {
    feed.followed(m, List.of(), true, Map.of());
    assertTrue(feed.awaitStarted(Duration.ofSeconds(10)), "the feed started");
  }

  /** Every event after {@code after} through {@code through}, as "version:key=value" strings. */
  private List<String> events(long after, long through, KeyRange range) throws Exception {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (after < through) {
      assertTrue(System.nanoTime() < deadline, "no events past " + after);
      ChangeFeed.Page p = feed.read(after, range, 2, Long.MAX_VALUE, Duration.ofMillis(100));
      for (ChangeFeed.Event e : p.events()) {
        for (Entry w : e.writes()) {
          seen.add(e.version() + ":" + new String(w.key()) + "=" + new String(w.value()));
        }
      }
      after = p.through();
    }
    return seen;
  }

  @Test
  void everyCommittedBatchIsAnEventEvenWhenALaterOneOfItsGroupOverwroteIt() throws Exception {
    feed(1 << 20);
    start(manifest(9, List.of()));
    SstInfo g1 = l0("l0/1", batch(10, "a", "1", "b", "1"), batch(12, "a", "2"));
    feed.followed(manifest(12, List.of(g1)), List.of(delta(12, g1)), false, Map.of());
    SstInfo g2 = l0("l0/2", batch(14, "b", ""), batch(15, "c", "3"));
    feed.followed(
        manifest(16, List.of(g1, g2)), List.of(delta(15, g2), delta(16, null)), false, Map.of());

    assertEquals(
        List.of("10:a=1", "10:b=1", "12:a=2", "14:b=", "15:c=3"), events(9, 16, KeyRange.ALL));
    assertEquals(
        List.of("10:b=1", "14:b="), events(9, 16, KeyRange.prefix(utf8("b"))), "only the range");
    assertEquals(List.of("15:c=3"), events(14, 16, KeyRange.ALL), "after a version");
  }

  @Test
  void anObjectTheTrackerReadIsNotReadAgain() throws Exception {
    feed(1 << 20);
    start(manifest(0, List.of()));
    SstInfo g = l0("l0/1", batch(1, "a", "1"), batch(2, "b", "2"));
    byte[] object = store().get("l0/1");
    store().delete("l0/1"); // read from the store now, it would be gone: the history would restart
    feed.followed(manifest(2, List.of(g)), List.of(delta(2, g)), false, Map.of("l0/1", object));
    assertEquals(List.of("1:a=1", "2:b=2"), events(0, 2, KeyRange.ALL));
  }

  @Test
  void aWatchSeesNothingPastWhatTheReaderServes() throws Exception {
    feed(1 << 20);
    start(manifest(0, List.of()));
    SstInfo g = l0("l0/1", batch(1, "a", "1"), batch(2, "a", "2"));
    feed.followed(manifest(2, List.of(g)), List.of(delta(2, g)), false, Map.of());
    events(0, 2, KeyRange.ALL); // the feed has read it
    ChangeFeed.Page p = feed.read(0, KeyRange.ALL, 10, 1, Duration.ZERO);
    assertEquals(1, p.events().size());
    assertEquals(1, p.through());
  }

  @Test
  void historyStartsAtTheOldestL0ObjectOfTheManifestItStartedFrom() throws Exception {
    feed(1 << 20);
    // The object's oldest entry is a at 21: whether older batches of its group (a at 20, which 21
    // overwrote) or of compacted objects changed anything, the manifest does not say.
    SstInfo g1 = l0("l0/1", batch(20, "a", "0"), batch(21, "a", "1"));
    SstInfo g2 = l0("l0/2", batch(25, "a", "2"));
    start(manifest(30, List.of(g1, g2)));
    assertEquals(List.of("21:a=1", "25:a=2"), events(20, 30, KeyRange.ALL));
    ChangeFeed.HistoryGone gone =
        assertThrows(
            ChangeFeed.HistoryGone.class,
            () -> feed.read(5, KeyRange.ALL, 10, Long.MAX_VALUE, Duration.ZERO));
    assertEquals(21, gone.oldest(), "the oldest version a watch can start at");
  }

  @Test
  void aRebootThatSkippedCompactedObjectsMovesTheHistoryPastThem() throws Exception {
    feed(1 << 20);
    start(manifest(0, List.of()));
    SstInfo g1 = l0("l0/1", batch(1, "a", "1"));
    feed.followed(manifest(1, List.of(g1)), List.of(delta(1, g1)), false, Map.of());
    assertEquals(List.of("1:a=1"), events(0, 1, KeyRange.ALL));

    // While the tracker rebooted, l0/2 came and was compacted away: only l0/3 is left.
    l0("l0/2", batch(5, "b", "1"));
    SstInfo g3 = l0("l0/3", batch(9, "c", "1"));
    feed.followed(manifest(9, List.of(g3)), List.of(), true, Map.of());
    assertEquals(List.of("9:c=1"), events(8, 9, KeyRange.ALL));
    assertThrows(
        ChangeFeed.HistoryGone.class,
        () -> feed.read(1, KeyRange.ALL, 10, Long.MAX_VALUE, Duration.ZERO),
        "version 5 is gone: a watch at 1 must not skip it silently");

    // A reboot that finds an object it already read skipped nothing.
    SstInfo g4 = l0("l0/4", batch(12, "d", "1"));
    feed.followed(manifest(12, List.of(g3, g4)), List.of(), true, Map.of());
    assertEquals(List.of("9:c=1", "12:d=1"), events(8, 12, KeyRange.ALL));
  }

  @Test
  void theOldestEventsGoFirstWhenTheBoundIsReached() throws Exception {
    feed(600);
    start(manifest(0, List.of()));
    for (int v = 1; v <= 10; v++) {
      SstInfo g = l0("l0/" + v, batch(v, "k", "x".repeat(50)));
      feed.followed(manifest(v, List.of(g)), List.of(delta(v, g)), false, Map.of());
    }
    assertEquals(List.of("10:k=" + "x".repeat(50)), events(9, 10, KeyRange.ALL));
    long oldest = feed.oldest();
    assertTrue(oldest > 1 && oldest <= 10, "oldest " + oldest);
    assertEquals(11 - oldest, events(oldest - 1, 10, KeyRange.ALL).size());
    assertThrows(
        ChangeFeed.HistoryGone.class,
        () -> feed.read(0, KeyRange.ALL, 10, Long.MAX_VALUE, Duration.ZERO));
  }

  @Test
  void anObjectDeletedBeforeItWasReadEndsTheHistoryBeforeIt() throws Exception {
    feed(1 << 20);
    start(manifest(0, List.of()));
    SstInfo g1 = l0("l0/1", batch(3, "a", "1"));
    store().delete("l0/1");
    SstInfo g2 = l0("l0/2", batch(6, "b", "1"));
    feed.followed(manifest(3, List.of(g1)), List.of(delta(3, g1)), false, Map.of());
    feed.followed(manifest(6, List.of(g1, g2)), List.of(delta(6, g2)), false, Map.of());
    assertEquals(List.of("6:b=1"), events(3, 6, KeyRange.ALL));
    assertThrows(
        ChangeFeed.HistoryGone.class,
        () -> feed.read(0, KeyRange.ALL, 10, Long.MAX_VALUE, Duration.ZERO));
  }
}
