package io.objectkv.core.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.CorruptionException;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
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
}
