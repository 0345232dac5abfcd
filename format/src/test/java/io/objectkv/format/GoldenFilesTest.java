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
 * Committed {@code sst-v1-*.bin} files that this build must read, and must still write byte for
 * byte: a change to these bytes is a new format version. Regenerate only with a version bump:
 * {@code ./mvnw -pl format test -Dtest=GoldenFilesTest
 * -Dobjectkv.writeGolden=format/src/test/resources/golden}.
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

  static final List<WalRecord> BASIC_WAL =
      List.of(
          new WalRecord(1000, "req-1".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}),
          new WalRecord(1001, new byte[0], new byte[] {4}));

  private static byte[] basic() {
    return SstFixtures.build(
        basicEntries(), new SstOptions(1024, 10, true), WalSection.encode(BASIC_WAL));
  }

  /** The same entries without compression: these bytes are the layout alone. */
  private static byte[] uncompressed() {
    return SstFixtures.build(
        basicEntries(), new SstOptions(1024, 10, false), WalSection.encode(BASIC_WAL));
  }

  private static byte[] empty() {
    return SstFixtures.build(new TreeMap<>(SstFixtures.UNSIGNED), SstOptions.DEFAULT, null);
  }

  private static byte[] golden(String name) throws IOException {
    String dir = System.getProperty("objectkv.writeGolden");
    if (dir != null) {
      byte[] bytes =
          switch (name) {
            case "sst-v1-basic.bin" -> basic();
            case "sst-v1-uncompressed.bin" -> uncompressed();
            default -> empty();
          };
      Files.write(Path.of(dir, name), bytes);
    }
    try (InputStream in = GoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      if (in == null) {
        throw new AssertionError("missing golden file " + name);
      }
      return in.readAllBytes();
    }
  }

  @Test
  void basicGoldenFileReads() throws IOException {
    byte[] bytes = golden("sst-v1-basic.bin");
    SstReader reader = SstReader.of("sst-v1-basic.bin", bytes);
    assertEquals(
        List.copyOf(basicEntries().values()),
        SstRoundTripTest.drain(reader.scan(null, null, false)));
    Footer f = reader.metadata().footer();
    assertEquals(201, f.entryCount());
    assertEquals(5, f.minVersion());
    assertEquals(1199, f.maxVersion());
    byte[] wal = java.util.Arrays.copyOfRange(bytes, (int) f.wal().offset(), (int) f.wal().end());
    assertEquals(BASIC_WAL, WalSection.decode("sst-v1-basic.bin", f, wal));
  }

  @Test
  void emptyGoldenFileReads() throws IOException {
    SstReader reader = SstReader.of("sst-v1-empty.bin", golden("sst-v1-empty.bin"));
    assertEquals(0, reader.metadata().footer().entryCount());
  }

  /**
   * Today's writer lays out the bytes of version 1 exactly. Compressed blocks are compared by what
   * they hold, not byte for byte: the LZ4 block format is fixed, but which matches a compressor
   * finds is not (lz4-java 1.8.0 and the at.yawk.lz4 line compress the same block differently).
   */
  @Test
  void todaysWriterProducesTheGoldenBytes() throws IOException {
    assertArrayEquals(
        golden("sst-v1-uncompressed.bin"),
        uncompressed(),
        "format v1 bytes changed: bump the format version");
    assertArrayEquals(
        golden("sst-v1-empty.bin"), empty(), "format v1 bytes changed: bump the format version");
    SstReader today = SstReader.of("today", basic());
    assertEquals(
        List.copyOf(basicEntries().values()),
        SstRoundTripTest.drain(today.scan(null, null, false)));
    assertEquals(
        SstReader.of("golden", golden("sst-v1-basic.bin")).metadata().footer().entryCount(),
        today.metadata().footer().entryCount());
  }
}
