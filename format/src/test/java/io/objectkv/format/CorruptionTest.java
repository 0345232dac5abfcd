package io.objectkv.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every single-byte change to a small SST is detected: an error, never a wrong answer. */
class CorruptionTest {

  /** Reads every part of the object: metadata, every block by scan, every key by get, the WAL. */
  private static List<Object> readEverything(byte[] sst, List<byte[]> keys) {
    SstReader reader = SstReader.of("corrupt.sst", sst);
    List<Object> seen = new ArrayList<>(SstRoundTripTest.drain(reader.scan(null, null, false)));
    seen.addAll(SstRoundTripTest.drain(reader.scan(null, null, true)));
    for (byte[] k : keys) {
      seen.add(reader.get(k));
    }
    Footer f = reader.metadata().footer();
    seen.addAll(
        WalSection.decode(
            "corrupt.sst",
            f,
            Arrays.copyOfRange(sst, (int) f.wal().offset(), (int) f.wal().end())));
    return seen;
  }

  private static void checkEverySingleByteChange(byte[] sst, List<byte[]> keys) {
    List<Object> truth = readEverything(sst, keys);
    for (int pos = 0; pos < sst.length; pos++) {
      for (int flip : new int[] {0x01, 0x80, 0xFF}) {
        byte[] damaged = sst.clone();
        damaged[pos] ^= (byte) flip;
        List<Object> got;
        try {
          got = readEverything(damaged, keys);
        } catch (FormatException expected) {
          continue;
        }
        fail(
            "byte "
                + pos
                + " xor "
                + flip
                + " went undetected"
                + (got.equals(truth) ? " (same answer)" : " (WRONG answer)"));
      }
    }
  }

  @Test
  void everySingleByteChangeIsDetected() {
    Random rnd = new Random(42);
    NavigableMap<byte[], Entry> entries = SstFixtures.randomEntries(rnd, 40);
    List<WalRecord> wal = List.of(new WalRecord(9, new byte[] {1, 2}, new byte[] {3}));
    for (boolean compress : new boolean[] {false, true}) {
      byte[] sst =
          SstFixtures.build(entries, new SstOptions(256, 10, compress), WalSection.encode(wal));
      checkEverySingleByteChange(sst, List.copyOf(entries.keySet()));
    }
  }

  @Test
  void everySingleByteChangeOfAnEmptySstIsDetected() {
    byte[] sst =
        SstFixtures.build(
            new java.util.TreeMap<>(SstFixtures.UNSIGNED),
            SstOptions.DEFAULT,
            WalSection.encode(List.of()));
    checkEverySingleByteChange(sst, List.of(new byte[] {1}));
  }

  @Test
  void truncatedObjectsAreDetected() {
    NavigableMap<byte[], Entry> entries = SstFixtures.randomEntries(new Random(5), 30);
    byte[] sst = SstFixtures.build(entries, new SstOptions(200, 10, true), null);
    for (int len = 0; len < sst.length; len++) {
      byte[] cut = Arrays.copyOf(sst, len);
      assertThrows(
          FormatException.class,
          () -> readEverything(cut, List.copyOf(entries.keySet())),
          "length " + len);
    }
  }

  @Test
  void newerFormatVersionIsATypedErrorNamingWhatIsSupported() {
    byte[] sst =
        SstFixtures.build(SstFixtures.randomEntries(new Random(1), 3), SstOptions.DEFAULT, null);
    int at = sst.length - SstLayout.FORMAT_VERSION_FROM_END;
    BlockCodec.putInt(sst, at, 4);
    UnsupportedFormatVersionException e =
        assertThrows(UnsupportedFormatVersionException.class, () -> SstReader.of("v4.sst", sst));
    assertEquals(4, e.version());
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("reads version 1 to 3"), e.getMessage());
  }
}
