package io.objectkv.format;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/** Random SST contents for property-style tests, reproducible from a seed. */
final class SstFixtures {
  private SstFixtures() {}

  static final java.util.Comparator<byte[]> UNSIGNED = java.util.Arrays::compareUnsigned;

  /** Keys with shared prefixes (like real key spaces), values of mixed sizes, some tombstones. */
  static NavigableMap<byte[], Entry> randomEntries(Random rnd, int count) {
    NavigableMap<byte[], Entry> entries = new TreeMap<>(UNSIGNED);
    String[] prefixes = {"user/", "user/42/", "order:", "", "\u00ff\u00fe"};
    while (entries.size() < count) {
      byte[] prefix =
          prefixes[rnd.nextInt(prefixes.length)].getBytes(
              java.nio.charset.StandardCharsets.ISO_8859_1);
      byte[] suffix = new byte[1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 200 : 12)];
      rnd.nextBytes(suffix);
      byte[] key = new byte[prefix.length + suffix.length];
      System.arraycopy(prefix, 0, key, 0, prefix.length);
      System.arraycopy(suffix, 0, key, prefix.length, suffix.length);
      byte[] value =
          new byte[rnd.nextInt(8) == 0 ? 0 : rnd.nextInt(rnd.nextInt(20) == 0 ? 5000 : 120)];
      if (rnd.nextBoolean()) {
        rnd.nextBytes(value);
      } else {
        java.util.Arrays.fill(value, (byte) ('a' + rnd.nextInt(3))); // compressible
      }
      long version = rnd.nextInt(4) == 0 ? rnd.nextLong(Long.MAX_VALUE) : rnd.nextInt(1_000_000);
      entries.put(key, new Entry(key, version, value));
    }
    return entries;
  }

  static byte[] build(Map<byte[], Entry> sorted, SstOptions options, byte[] wal) {
    return build(sorted, java.util.List.of(), options, wal);
  }

  static byte[] build(
      Map<byte[], Entry> sorted,
      java.util.List<RangeTombstone> ranges,
      SstOptions options,
      byte[] wal) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter writer = new SstWriter(out, options);
    for (Entry e : sorted.values()) {
      writer.add(e);
    }
    ranges.forEach(writer::addRangeTombstone);
    SstSummary summary = writer.finish(wal);
    byte[] bytes = out.toByteArray();
    if (summary.sizeBytes() != bytes.length) {
      throw new AssertionError("summary size " + summary.sizeBytes() + " != " + bytes.length);
    }
    return bytes;
  }
}
