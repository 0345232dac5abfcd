package io.objectkv.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Property-style round trips: whatever goes in comes out, by get and by scan, both directions. */
class SstRoundTripTest {
  private static final int CASES = 2_000;

  @Test
  void randomSstsRoundTrip() {
    long base = Long.getLong("objectkv.seed", 20261125L);
    for (int c = 0; c < CASES; c++) {
      long seed = base + c;
      try {
        checkOneCase(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "failed for seed " + seed + " (rerun with -Dobjectkv.seed=" + seed + ")", e);
      }
    }
  }

  /** A large object's index and filter come with the first read of its tail, not a second. */
  @Test
  void aLargeObjectsMetadataTakesOneRead() {
    NavigableMap<byte[], Entry> entries =
        new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
    Random rnd = new Random(11);
    for (int i = 0; i < 100_000; i++) {
      byte[] key = String.format("key%07d", i).getBytes();
      byte[] value = new byte[100];
      rnd.nextBytes(value);
      entries.put(key, new Entry(key, i + 1, value));
    }
    byte[] sst = SstFixtures.build(entries, SstOptions.DEFAULT, null);
    Footer footer = SstReader.of("large", sst).metadata().footer();
    assertTrue(
        sst.length - footer.metadataStart() > SstMetadata.DEFAULT_TAIL_READ,
        "more metadata than the least tail read");
    List<long[]> reads = new ArrayList<>();
    SstMetadata meta =
        SstMetadata.read(
            "large",
            sst.length,
            (offset, length) -> {
              reads.add(new long[] {offset, length});
              return java.util.Arrays.copyOfRange(sst, (int) offset, (int) offset + length);
            });
    assertEquals(1, reads.size());
    assertEquals(entries.size(), meta.footer().entryCount());
  }

  private static void checkOneCase(long seed) {
    Random rnd = new Random(seed);
    int count = rnd.nextInt(10) == 0 ? 0 : rnd.nextInt(rnd.nextBoolean() ? 20 : 400);
    NavigableMap<byte[], Entry> expected = SstFixtures.randomEntries(rnd, count);
    SstOptions options =
        new SstOptions(64 + rnd.nextInt(4096), 1 + rnd.nextInt(16), rnd.nextBoolean());
    byte[] sst = SstFixtures.build(expected, options, null);
    SstReader reader = SstReader.of("seed-" + seed, sst);

    Footer footer = reader.metadata().footer();
    assertEquals(count, footer.entryCount());
    if (count > 0) {
      assertEquals(
          expected.values().stream().mapToLong(Entry::version).min().getAsLong(),
          footer.minVersion());
      assertEquals(
          expected.values().stream().mapToLong(Entry::version).max().getAsLong(),
          footer.maxVersion());
    }
    for (Entry e : expected.values()) {
      assertEquals(e, reader.get(e.key()));
    }
    for (int i = 0; i < 50; i++) {
      byte[] probe = new byte[1 + rnd.nextInt(8)];
      rnd.nextBytes(probe);
      Entry expectedEntry = expected.get(probe);
      assertEquals(expectedEntry, reader.get(probe));
    }
    assertEquals(List.copyOf(expected.values()), drain(reader.scan(null, null, false)));
    List<Entry> reversed = new ArrayList<>(expected.values());
    Collections.reverse(reversed);
    assertEquals(reversed, drain(reader.scan(null, null, true)));

    List<byte[]> keys = new ArrayList<>(expected.keySet());
    for (int i = 0; i < 20; i++) {
      byte[] from = boundary(rnd, keys);
      byte[] to = boundary(rnd, keys);
      boolean empty = from != null && to != null && SstFixtures.UNSIGNED.compare(from, to) >= 0;
      NavigableMap<byte[], Entry> range = expected;
      if (!empty && from != null) {
        range = range.tailMap(from, true);
      }
      if (!empty && to != null) {
        range = range.headMap(to, false);
      }
      List<Entry> forward = empty ? List.of() : List.copyOf(range.values());
      List<Entry> backward = empty ? List.of() : List.copyOf(range.descendingMap().values());
      assertEquals(forward, drain(reader.scan(from, to, false)), "forward scan");
      assertEquals(backward, drain(reader.scan(from, to, true)), "reverse scan");
    }
  }

  /** A scan bound: null, an existing key, or a random key between existing ones. */
  private static byte[] boundary(Random rnd, List<byte[]> keys) {
    int pick = rnd.nextInt(4);
    if (pick == 0 || keys.isEmpty()) {
      return pick == 0 ? null : randomKey(rnd);
    }
    if (pick == 1) {
      return keys.get(rnd.nextInt(keys.size()));
    }
    return randomKey(rnd);
  }

  private static byte[] randomKey(Random rnd) {
    byte[] k = new byte[1 + rnd.nextInt(6)];
    rnd.nextBytes(k);
    return k;
  }

  static List<Entry> drain(Iterator<Entry> it) {
    List<Entry> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void emptySst() {
    byte[] sst =
        SstFixtures.build(new java.util.TreeMap<>(SstFixtures.UNSIGNED), SstOptions.DEFAULT, null);
    SstReader reader = SstReader.of("empty", sst);
    assertEquals(0, reader.metadata().footer().entryCount());
    assertEquals(0, reader.metadata().index().blockCount());
    assertNull(reader.get(new byte[] {1}));
    assertEquals(List.of(), drain(reader.scan(null, null, false)));
    assertEquals(List.of(), drain(reader.scan(null, null, true)));
  }

  @Test
  void oneEntryAndTombstoneSemantics() {
    NavigableMap<byte[], Entry> entries = new java.util.TreeMap<>(SstFixtures.UNSIGNED);
    byte[] k = {'k'};
    entries.put(k, new Entry(k, 7, new byte[0]));
    SstReader reader = SstReader.of("one", SstFixtures.build(entries, SstOptions.DEFAULT, null));
    Entry e = reader.get(k);
    assertEquals(7, e.version());
    assertEquals(true, e.isTombstone());
    assertEquals(List.of(e), drain(reader.scan(null, null, true)));
  }

  @Test
  void largestKeysAndValues() {
    Random rnd = new Random(7);
    NavigableMap<byte[], Entry> entries = new java.util.TreeMap<>(SstFixtures.UNSIGNED);
    for (int i = 0; i < 5; i++) {
      byte[] key = new byte[4096];
      rnd.nextBytes(key);
      byte[] value = new byte[1 << 20];
      rnd.nextBytes(value);
      entries.put(key, new Entry(key, i, value));
    }
    byte[] sst = SstFixtures.build(entries, SstOptions.DEFAULT, null);
    SstReader reader = SstReader.of("large", sst);
    assertEquals(5, reader.metadata().index().blockCount(), "each 1 MiB value fills its own block");
    for (Entry e : entries.values()) {
      Entry got = reader.get(e.key());
      assertArrayEquals(e.value(), got.value());
    }
    assertEquals(List.copyOf(entries.values()), drain(reader.scan(null, null, false)));
  }

  @Test
  void walSectionRoundTrips() {
    Random rnd = new Random(11);
    List<WalRecord> records = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] id = new byte[rnd.nextInt(3) == 0 ? 0 : 36];
      rnd.nextBytes(id);
      byte[] outcome = new byte[1 + rnd.nextInt(40)];
      rnd.nextBytes(outcome);
      List<Entry> writes = new ArrayList<>();
      for (int w = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(5); w > 0; w--) {
        byte[] key = new byte[1 + rnd.nextInt(20)];
        rnd.nextBytes(key);
        byte[] value = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(300)]; // some deletes
        rnd.nextBytes(value);
        writes.add(new Entry(key, 1000 + i, value));
      }
      records.add(new WalRecord(1000 + i, id, outcome, writes));
    }
    NavigableMap<byte[], Entry> entries = SstFixtures.randomEntries(rnd, 100);
    byte[] sst = SstFixtures.build(entries, SstOptions.DEFAULT, WalSection.encode(records));
    SstReader reader = SstReader.of("wal", sst);
    Footer footer = reader.metadata().footer();
    byte[] stored =
        java.util.Arrays.copyOfRange(sst, (int) footer.wal().offset(), (int) footer.wal().end());
    assertEquals(records, WalSection.decode("wal", footer, stored));
    assertEquals(List.copyOf(entries.values()), drain(reader.scan(null, null, false)));
  }

  @Test
  void bloomFilterFalsePositiveRateIsNearTheory() {
    Random rnd = new Random(3);
    NavigableMap<byte[], Entry> entries = SstFixtures.randomEntries(rnd, 10_000);
    SstReader reader = SstReader.of("bloom", SstFixtures.build(entries, SstOptions.DEFAULT, null));
    int falsePositives = 0;
    int probes = 100_000;
    for (int i = 0; i < probes; i++) {
      byte[] probe = ("absent-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (reader.metadata().filter().mightContain(probe)) {
        falsePositives++;
      }
    }
    // 10 bits per key and 7 probes give about 0.8% in theory.
    double rate = (double) falsePositives / probes;
    org.junit.jupiter.api.Assertions.assertTrue(rate < 0.015, "false positive rate " + rate);
    for (byte[] k : entries.keySet()) {
      org.junit.jupiter.api.Assertions.assertTrue(reader.metadata().filter().mightContain(k));
    }
  }
}
