package io.objectkv.format;

import static io.objectkv.format.SstLayout.BLOCK_TRAILER_LENGTH;
import static io.objectkv.format.SstLayout.COMPRESSION_LZ4;
import static io.objectkv.format.SstLayout.COMPRESSION_NONE;
import static io.objectkv.format.SstLayout.MAX_BLOCK_RAW_LENGTH;
import static io.objectkv.format.SstLayout.TRAILER_COMPRESSION_OFFSET;
import static io.objectkv.format.SstLayout.TRAILER_CRC_OFFSET;
import static io.objectkv.format.SstLayout.TRAILER_RAW_LENGTH_OFFSET;

import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Stored block framing: {@code payload | compression | raw_length | crc32c}. The checksum covers
 * everything before it, so it is verified before a single payload byte is interpreted.
 */
public final class BlockCodec {
  private BlockCodec() {}

  private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
  private static final LZ4Compressor COMPRESSOR = LZ4.fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4.safeDecompressor();

  /**
   * Frames {@code raw[0, length)}; compresses with LZ4 when that saves at least an eighth, since
   * smaller savings are not worth the decompression on every read.
   */
  public static byte[] encode(byte[] raw, int length, boolean compress) {
    if (compress && length > 0) {
      int max = COMPRESSOR.maxCompressedLength(length);
      byte[] out = new byte[max + BLOCK_TRAILER_LENGTH];
      int compressed = COMPRESSOR.compress(raw, 0, length, out, 0, max);
      if (compressed <= length - length / 8) {
        return seal(out, compressed, COMPRESSION_LZ4, length);
      }
    }
    byte[] out = new byte[length + BLOCK_TRAILER_LENGTH];
    System.arraycopy(raw, 0, out, 0, length);
    return seal(out, length, COMPRESSION_NONE, length);
  }

  private static byte[] seal(byte[] out, int payloadLength, byte compression, int rawLength) {
    int trailer = payloadLength;
    out[trailer + TRAILER_COMPRESSION_OFFSET] = compression;
    putInt(out, trailer + TRAILER_RAW_LENGTH_OFFSET, rawLength);
    CRC32C crc = new CRC32C();
    crc.update(out, 0, trailer + TRAILER_CRC_OFFSET);
    putInt(out, trailer + TRAILER_CRC_OFFSET, (int) crc.getValue());
    int total = payloadLength + BLOCK_TRAILER_LENGTH;
    return out.length == total ? out : java.util.Arrays.copyOf(out, total);
  }

  /** Checks the checksum of a stored block without decoding it (for caches of stored bytes). */
  public static void verify(String source, long objectOffset, byte[] stored, int off, int len) {
    if (len < BLOCK_TRAILER_LENGTH) {
      throw new CorruptionException(
          source, objectOffset, "block of " + len + " bytes is too short");
    }
    int trailer = off + len - BLOCK_TRAILER_LENGTH;
    CRC32C crc = new CRC32C();
    crc.update(stored, off, trailer + TRAILER_CRC_OFFSET - off);
    int expected = ByteReader.getInt(stored, trailer + TRAILER_CRC_OFFSET);
    if ((int) crc.getValue() != expected) {
      throw new CorruptionException(
          source,
          objectOffset,
          String.format(
              "block checksum mismatch: stored crc32c=%08x, computed=%08x, length=%d",
              expected, (int) crc.getValue(), len));
    }
  }

  /** Verifies and unframes a stored block, returning its raw payload. */
  public static byte[] decode(String source, long objectOffset, byte[] stored, int off, int len) {
    verify(source, objectOffset, stored, off, len);
    int trailer = off + len - BLOCK_TRAILER_LENGTH;
    int payloadLength = trailer - off;
    byte compression = stored[trailer + TRAILER_COMPRESSION_OFFSET];
    int rawLength = ByteReader.getInt(stored, trailer + TRAILER_RAW_LENGTH_OFFSET);
    if (rawLength < 0 || rawLength > MAX_BLOCK_RAW_LENGTH) {
      throw new CorruptionException(source, objectOffset, "raw block length " + rawLength);
    }
    return switch (compression) {
      case COMPRESSION_NONE -> {
        if (rawLength != payloadLength) {
          throw new CorruptionException(
              source, objectOffset, "raw length " + rawLength + " != payload " + payloadLength);
        }
        yield java.util.Arrays.copyOfRange(stored, off, trailer);
      }
      case COMPRESSION_LZ4 -> {
        byte[] raw = new byte[rawLength];
        int n;
        try {
          n = DECOMPRESSOR.decompress(stored, off, payloadLength, raw, 0, rawLength);
        } catch (LZ4Exception e) {
          throw new CorruptionException(source, objectOffset, "LZ4 payload does not decode", e);
        }
        if (n != rawLength) {
          throw new CorruptionException(
              source,
              objectOffset,
              "LZ4 payload decodes to " + n + " bytes, expected " + rawLength);
        }
        yield raw;
      }
      default ->
          throw new CorruptionException(
              source, objectOffset, "unknown compression type " + (compression & 0xFF));
    };
  }

  static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) (v >>> 32));
    putInt(b, at + 4, (int) v);
  }
}
