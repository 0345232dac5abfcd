package io.objectkv.reader.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.RangeFetcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBlockCacheTest {
  @TempDir Path dir;

  private final byte[] object = new byte[10_000];
  private final List<long[]> requests = new ArrayList<>();
  private final RangeFetcher source =
      (key, offset, length) -> {
        requests.add(new long[] {offset, offset + length});
        return Arrays.copyOfRange(object, (int) offset, (int) offset + length);
      };

  /**
   * Adjacent ranges cost one request per run the disk does not hold, and are kept one by one, so a
   * later read of any of them is served from disk.
   */
  @Test
  void adjacentRangesAreFetchedPerMissingRunAndKeptOneByOne() {
    new Random(6).nextBytes(object);
    DiskBlockCache cache = new DiskBlockCache(source, dir, 1 << 20, new Metrics());
    long[] ends = {1000, 2000, 3000, 4000, 5000}; // five ranges from 0
    cache.fetch("l1/a", 2000, 1000); // the third is on disk
    requests.clear();

    List<byte[]> parts = cache.fetchAdjacent("l1/a", 0, ends);
    for (int i = 0; i < ends.length; i++) {
      assertArrayEquals(
          Arrays.copyOfRange(object, i * 1000, (i + 1) * 1000), parts.get(i), "range " + i);
    }
    assertEquals(2, requests.size(), "one request before the cached range, one after it");
    assertArrayEquals(new long[] {0, 2000}, requests.get(0));
    assertArrayEquals(new long[] {3000, 5000}, requests.get(1));

    requests.clear();
    for (int i = 0; i < ends.length; i++) {
      assertArrayEquals(parts.get(i), cache.fetch("l1/a", i * 1000L, 1000));
    }
    assertEquals(0, requests.size(), "every range is on disk");
  }
}
