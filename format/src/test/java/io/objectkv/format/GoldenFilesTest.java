package io.objectkv.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Committed {@code sst-v*.bin} files that this build must read: those of the version it writes
 * ({@code sst-v3-*}) it must still write byte for byte, so a change to these bytes is a new format
 * version; older ones ({@code sst-v1-*}, {@code sst-v2-*}, written by earlier builds) it must still
 * read. Write the files of a new version only with a version bump: {@code ./mvnw -pl format test
 * -Dtest=GoldenFilesTest -Dobjectkv.writeGolden=format/src/test/resources/golden}.
 */
class GoldenFilesTest {

  static NavigableMap<byte[], Entry> basicEntries() {
    NavigableMap<byte[], Entry> m = new TreeMap<>(SstFixtures.UNSIGNED);
    for (int i = 0; i < 200; i++) {
      byte[] key = String.format("key/%05d", i).getBytes(StandardCharsets.UTF_8);
      byte[] value =
          i % 10 == 3
              ? new byte[0]
              : ("value-" + i + "-" + "x".repeat(i % 50)).getBytes(StandardCharsets.UTF_8);
      m.put(key, new Entry(key, 1000 + i, value));
    }
    byte[] binary = {0, (byte) 0xFF, 0x7F};
    m.put(binary, new Entry(binary, 5, new byte[] {(byte) 0x80, 0}));
    return m;
  }

  /** Version 3 entries: the same, some of them expiring. */
  static NavigableMap<byte[], Entry> basicEntriesV3() {
    NavigableMap<byte[], Entry> m = new TreeMap<>(SstFixtures.UNSIGNED);
    basicEntries()
        .forEach(
            (k, e) ->
                m.put(
                    k,
                    e.version() % 7 == 5 && !e.isTombstone()
                        ? new Entry(k, e.version(), e.value(), 1_800_000_000_000L + e.version())
                        : e));
    return m;
  }

  static final List<RangeTombstone> BASIC_RANGES =
      List.of(
          new RangeTombstone(utf8("key/00100"), utf8("key/00150"), 1300),
          new RangeTombstone(utf8("zz"), utf8("zzz"), 1301));

  /** The WAL of the version 1 files (version 1 records no writes). */
  static final List<WalRecord> BASIC_WAL_V1 =
      List.of(
          new WalRecord(1000, "req-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}),
          new WalRecord(1001, new byte[0], new byte[] {4}));

  /** The WAL of the version 2 files: a batch's writes, a delete among them. */
  static final List<WalRecord> BASIC_WAL =
      List.of(
          new WalRecord(
              1000,
              "req-1".getBytes(StandardCharsets.UTF_8),
              new byte[] {1, 2, 3},
              List.of(
                  new Entry(utf8("key/00000"), 1000, utf8("value-0-")),
                  new Entry(utf8("key/00003"), 1000, new byte[0]))),
          new WalRecord(1001, new byte[0], new byte[] {4}));

  /** The WAL of the version 3 files: an expiring write, and a range delete. */
  static final List<WalRecord> BASIC_WAL_V3 =
      List.of(
          new WalRecord(
              1000,
              "req-1".getBytes(StandardCharsets.UTF_8),
              new byte[] {1, 2, 3},
              List.of(
                  new Entry(utf8("key/00000"), 1000, utf8("value-0-"), 1_800_000_000_000L),
                  new Entry(utf8("key/00003"), 1000, new byte[0]))),
          new WalRecord(
              1300,
              new byte[0],
              new byte[] {4},
              List.of(),
              List.of(new RangeTombstone(utf8("key/00100"), utf8("key/00150"), 1300))));

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] basic() {
    return basic(true);
  }

  /** The same entries without compression: these bytes are the layout alone. */
  private static byte[] uncompressed() {
    return basic(false);
  }

  private static byte[] basic(boolean compress) {
    return SstFixtures.build(
        basicEntriesV3(),
        BASIC_RANGES,
        new SstOptions(1024, 10, compress),
        WalSection.encode(BASIC_WAL_V3));
  }

  private static byte[] empty() {
    return SstFixtures.build(new TreeMap<>(SstFixtures.UNSIGNED), SstOptions.DEFAULT, null);
  }

  private static byte[] golden(String name) throws IOException {
    String dir = System.getProperty("objectkv.writeGolden");
    if (dir != null) {
      byte[] bytes =
          switch (name) {
            case "sst-v3-basic.bin" -> basic();
            case "sst-v3-uncompressed.bin" -> uncompressed();
            case "sst-v3-empty.bin" -> empty();
            default -> null; // an older version's file: read, never rewritten
          };
      if (bytes != null) {
        Files.write(Path.of(dir, name), bytes);
      }
    }
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new AssertionError("missing golden file " + name);
      }
      return in.readAllBytes();
    }
  }

  /** Reads a golden file whole and checks its entries and WAL section. */
  private static void readsBasic(String name, List<WalRecord> wal, int formatVersion)
      throws IOException {
    byte[] bytes = golden(name);
    SstReader reader = SstReader.of(name, bytes);
    boolean v3 = formatVersion >= 3;
    assertEquals(
        List.copyOf((v3 ? basicEntriesV3() : basicEntries()).values()),
        SstRoundTripTest.drain(reader.scan(null, null, false)));
    Footer f = reader.metadata().footer();
    assertEquals(formatVersion, f.formatVersion());
    assertEquals(201, f.entryCount());
    assertEquals(5, f.minVersion());
    assertEquals(v3 ? 1301 : 1199, f.maxVersion());
    assertEquals(v3 ? BASIC_RANGES : List.of(), reader.metadata().rangeTombstones());
    byte[] stored =
        java.util.Arrays.copyOfRange(bytes, (int) f.wal().offset(), (int) f.wal().end());
    assertEquals(wal, WalSection.decode(name, f, stored));
  }

  @Test
  void version1FilesStillRead() throws IOException {
    readsBasic("sst-v1-basic.bin", BASIC_WAL_V1, 1);
    readsBasic("sst-v1-uncompressed.bin", BASIC_WAL_V1, 1);
    assertEquals(
        0, SstReader.of("v1 empty", golden("sst-v1-empty.bin")).metadata().footer().entryCount());
  }

  @Test
  void version2FilesStillRead() throws IOException {
    readsBasic("sst-v2-basic.bin", BASIC_WAL, 2);
    readsBasic("sst-v2-uncompressed.bin", BASIC_WAL, 2);
    assertEquals(
        0, SstReader.of("v2 empty", golden("sst-v2-empty.bin")).metadata().footer().entryCount());
  }

  @Test
  void version3FilesRead() throws IOException {
    readsBasic("sst-v3-basic.bin", BASIC_WAL_V3, 3);
    readsBasic("sst-v3-uncompressed.bin", BASIC_WAL_V3, 3);
    assertEquals(
        0, SstReader.of("v3 empty", golden("sst-v3-empty.bin")).metadata().footer().entryCount());
  }

  /**
   * Today's writer lays out the bytes of version 3 exactly. Compressed blocks are compared by what
   * they hold, not byte for byte: the LZ4 block format is fixed, but which matches a compressor
   * finds is not (lz4-java 1.8.0 and the at.yawk.lz4 line compress the same block differently).
   */
  @Test
  void todaysWriterProducesTheGoldenBytes() throws IOException {
    assertArrayEquals(
        golden("sst-v3-uncompressed.bin"),
        uncompressed(),
        "format v3 bytes changed: bump the format version");
    assertArrayEquals(
        golden("sst-v3-empty.bin"), empty(), "format v3 bytes changed: bump the format version");
    SstReader today = SstReader.of("today", basic());
    assertEquals(
        List.copyOf(basicEntriesV3().values()),
        SstRoundTripTest.drain(today.scan(null, null, false)));
    assertEquals(
        SstReader.of("golden", golden("sst-v3-basic.bin")).metadata().footer().entryCount(),
        today.metadata().footer().entryCount());
  }
}
