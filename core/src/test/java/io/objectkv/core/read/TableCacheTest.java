package io.objectkv.core.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.CorruptionException;
import io.objectkv.format.Entry;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A range that fails its checksum is fetched again once; a second failure is reported, never
 * served.
 */
class TableCacheTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private SstInfo writeOne() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, SstOptions.DEFAULT);
    for (int i = 0; i < 100; i++) {
      w.add(String.format("key%03d", i).getBytes(), i, ("value" + i).getBytes());
    }
    SstInfo info = SstInfo.of("l0/a", w.finish());
    store.put("l0/a", Content.of(out.toByteArray()));
    return info;
  }

  /** Flips a byte of the first {@code badFetches} fetches of the first data block. */
  private final class Damaging implements RangeFetcher {
    int badFetches;
    int invalidations;

    @Override
    public byte[] fetch(String objectKey, long offset, int length) {
      byte[] b = store.getRange(objectKey, offset, length);
      boolean dataBlock = offset == 0 && length < store.head(objectKey).orElseThrow().size();
      if (dataBlock && badFetches > 0) {
        badFetches--;
        b[length / 2] ^= 1;
      }
      return b;
    }

    @Override
    public void invalidate(String objectKey, long offset, int length) {
      invalidations++;
    }
  }

  @Test
  void aDamagedRangeIsRefetchedOnce() {
    SstInfo info = writeOne();
    Damaging fetcher = new Damaging();
    fetcher.badFetches = 1;
    TableCache tables = new TableCache(fetcher, new BlockCache(1 << 20));
    assertArrayEquals("value7".getBytes(), tables.open(info).get("key007".getBytes()).value());
    assertEquals(1, fetcher.invalidations);
  }

  @Test
  void aRangeThatStaysDamagedIsAnError() {
    SstInfo info = writeOne();
    Damaging fetcher = new Damaging();
    fetcher.badFetches = 2;
    TableCache tables = new TableCache(fetcher, new BlockCache(1 << 20));
    assertThrows(CorruptionException.class, () -> tables.open(info).get("key007".getBytes()));
  }

  private SstInfo writeMany(String name, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, new SstOptions(4096, 10, false));
    java.util.Random rnd = new java.util.Random(4);
    for (int i = 0; i < n; i++) {
      byte[] value = new byte[200];
      rnd.nextBytes(value);
      w.add(String.format("key%05d", i).getBytes(), i, value);
    }
    SstInfo info = SstInfo.of(name, w.finish());
    store.put(name, Content.of(out.toByteArray()));
    return info;
  }

  /** Counts fetches and remembers their ranges. */
  private final class Recording implements RangeFetcher {
    final List<long[]> ranges = new ArrayList<>();

    @Override
    public byte[] fetch(String objectKey, long offset, int length) {
      ranges.add(new long[] {offset, offset + length});
      return store.getRange(objectKey, offset, length);
    }
  }

  private static List<Entry> all(Iterator<Entry> it) {
    List<Entry> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void aScanFetchesRunsOfBlocksAndCachesEveryOne() {
    SstInfo info = writeMany("l1/many", 3000);
    SstReader whole = SstReader.of("l1/many", store.get("l1/many"));
    int blocks = whole.metadata().index().blockCount();
    assertTrue(blocks > 100, "blocks: " + blocks);
    Recording fetcher = new Recording();
    SstReader reader = new TableCache(fetcher, new BlockCache(64 << 20)).open(info);
    int opened = fetcher.ranges.size();

    assertEquals(all(whole.scan(null, null, false)), all(reader.scan(null, null, false)));
    long dataBytes = whole.metadata().index().handle(blocks - 1).end();
    long runs = fetcher.ranges.size() - opened;
    assertTrue(
        runs <= dataBytes / TableCache.SCAN_READ_AHEAD + 1,
        runs + " requests for " + blocks + " blocks");

    int before = fetcher.ranges.size();
    assertEquals(all(whole.scan(null, null, true)), all(reader.scan(null, null, true)));
    assertEquals(whole.get("key01234".getBytes()), reader.get("key01234".getBytes()));
    assertEquals(before, fetcher.ranges.size(), "every block was cached by the first scan");
  }

  @Test
  void aReverseScanReadsAheadBackwardsUpToACachedBlock() {
    SstInfo info = writeMany("l1/rev", 3000);
    SstReader whole = SstReader.of("l1/rev", store.get("l1/rev"));
    Recording fetcher = new Recording();
    SstReader reader = new TableCache(fetcher, new BlockCache(64 << 20)).open(info);
    reader.get("key02900".getBytes()); // caches one block near the end
    long cachedAt =
        whole
            .metadata()
            .index()
            .handle(whole.metadata().index().blockFor("key02900".getBytes()))
            .offset();
    int before = fetcher.ranges.size();
    List<Entry> tail = all(reader.scan("key02000".getBytes(), null, true));
    assertEquals(all(whole.scan("key02000".getBytes(), null, true)), tail);
    for (long[] r : fetcher.ranges.subList(before, fetcher.ranges.size())) {
      assertTrue(r[1] <= cachedAt || r[0] > cachedAt, "the cached block is not fetched again");
    }
    assertTrue(fetcher.ranges.size() - before < 10, "runs, not blocks: " + fetcher.ranges.size());
  }

  @Test
  void aDamagedBlockInARunIsFetchedAgainWhenTheScanGetsThere() {
    SstInfo info = writeMany("l1/bad", 3000);
    SstReader whole = SstReader.of("l1/bad", store.get("l1/bad"));
    Damaging fetcher = new Damaging(); // damages the middle of the first range from offset 0
    fetcher.badFetches = 1;
    SstReader reader = new TableCache(fetcher, new BlockCache(64 << 20)).open(info);
    assertEquals(all(whole.scan(null, null, false)), all(reader.scan(null, null, false)));
    assertEquals(0, fetcher.badFetches, "the damage happened");
  }

  @Test
  void anObjectRegisteredWholeServesItsBlocksFromMemory() {
    SstInfo info = writeMany("l0/fresh", 500);
    byte[] bytes = store.get("l0/fresh");
    SstReader whole = SstReader.of("l0/fresh", bytes);
    Recording fetcher = new Recording();
    TableCache tables = new TableCache(fetcher, new BlockCache(0), 1 << 20);
    SstReader reader = tables.registerFromBytes(info, bytes);

    assertEquals(whole.get("key00123".getBytes()), reader.get("key00123".getBytes()));
    assertEquals(all(whole.scan(null, null, false)), all(reader.scan(null, null, false)));
    assertEquals(all(whole.scan(null, null, true)), all(reader.scan(null, null, true)));
    assertEquals(0, fetcher.ranges.size(), "no fetch for an object held whole");
    assertEquals(bytes.length, tables.heldBytes());

    tables.retainOnly(java.util.Set.of());
    assertEquals(0, tables.heldBytes(), "an object out of the manifest lets go of its bytes");
  }

  @Test
  void theOldestHeldObjectsGoBeyondTheBudgetAndReadThroughTheFetcher() {
    SstInfo first = writeMany("l0/first", 500);
    SstInfo second = writeMany("l0/second", 500);
    byte[] a = store.get("l0/first");
    byte[] b = store.get("l0/second");
    Recording fetcher = new Recording();
    TableCache tables = new TableCache(fetcher, new BlockCache(0), a.length + b.length - 1);
    SstReader older = tables.registerFromBytes(first, a);
    SstReader newer = tables.registerFromBytes(second, b);
    assertEquals(b.length, tables.heldBytes(), "only the newest fits");

    assertEquals(
        SstReader.of("l0/second", b).get("key00042".getBytes()), newer.get("key00042".getBytes()));
    assertEquals(0, fetcher.ranges.size());
    assertEquals(
        SstReader.of("l0/first", a).get("key00042".getBytes()), older.get("key00042".getBytes()));
    assertEquals(1, fetcher.ranges.size(), "the released object reads its block from the source");
  }

  @Test
  void aHeldCopyThatFailsItsCheckIsLetGoAndTheSourceServes() {
    SstInfo info = writeMany("l0/damaged", 500);
    byte[] damaged = store.get("l0/damaged");
    damaged[100] ^= 1; // inside the first data block; the metadata at the end is intact
    Recording fetcher = new Recording();
    TableCache tables = new TableCache(fetcher, new BlockCache(0), 1 << 20);
    SstReader reader = tables.registerFromBytes(info, damaged);
    SstReader good = SstReader.of("l0/damaged", store.get("l0/damaged"));

    assertEquals(good.get("key00000".getBytes()), reader.get("key00000".getBytes()));
    assertEquals(1, fetcher.ranges.size());
    assertEquals(0, tables.heldBytes());
  }
}
