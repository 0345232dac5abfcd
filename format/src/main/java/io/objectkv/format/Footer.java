package io.objectkv.format;

import static io.objectkv.format.SstLayout.ENTRY_COUNT_OFFSET;
import static io.objectkv.format.SstLayout.FILTER_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.FILTER_OFFSET_OFFSET;
import static io.objectkv.format.SstLayout.FOOTER_CRC_LENGTH;
import static io.objectkv.format.SstLayout.FOOTER_CRC_OFFSET;
import static io.objectkv.format.SstLayout.FOOTER_LENGTH;
import static io.objectkv.format.SstLayout.FORMAT_VERSION;
import static io.objectkv.format.SstLayout.FORMAT_VERSION_OFFSET;
import static io.objectkv.format.SstLayout.INDEX_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.INDEX_OFFSET_OFFSET;
import static io.objectkv.format.SstLayout.MAGIC;
import static io.objectkv.format.SstLayout.MAGIC_OFFSET;
import static io.objectkv.format.SstLayout.MAX_VERSION_OFFSET;
import static io.objectkv.format.SstLayout.MIN_VERSION_OFFSET;
import static io.objectkv.format.SstLayout.OLDEST_FORMAT_VERSION;
import static io.objectkv.format.SstLayout.WAL_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.WAL_OFFSET_OFFSET;

import java.util.zip.CRC32C;

/**
 * The fixed-size footer at the end of every SST object; see {@link SstLayout}. {@code
 * formatVersion} is the version the object was written in (what its WAL section holds depends on
 * it).
 */
public record Footer(
    BlockHandle index,
    BlockHandle filter,
    BlockHandle wal,
    long entryCount,
    long minVersion,
    long maxVersion,
    int formatVersion) {

  public boolean hasWal() {
    return wal.length() > 0;
  }

  byte[] encode() {
    byte[] b = new byte[FOOTER_LENGTH];
    BlockCodec.putLong(b, INDEX_OFFSET_OFFSET, index.offset());
    BlockCodec.putInt(b, INDEX_LENGTH_OFFSET, index.length());
    BlockCodec.putLong(b, FILTER_OFFSET_OFFSET, filter.offset());
    BlockCodec.putInt(b, FILTER_LENGTH_OFFSET, filter.length());
    BlockCodec.putLong(b, WAL_OFFSET_OFFSET, wal.offset());
    BlockCodec.putInt(b, WAL_LENGTH_OFFSET, wal.length());
    BlockCodec.putLong(b, ENTRY_COUNT_OFFSET, entryCount);
    BlockCodec.putLong(b, MIN_VERSION_OFFSET, minVersion);
    BlockCodec.putLong(b, MAX_VERSION_OFFSET, maxVersion);
    BlockCodec.putInt(b, FORMAT_VERSION_OFFSET, formatVersion);
    BlockCodec.putLong(b, MAGIC_OFFSET, MAGIC);
    BlockCodec.putInt(b, FOOTER_CRC_OFFSET, checksum(b, 0));
    return b;
  }

  /** CRC32C of the footer with its checksum field left out. */
  private static int checksum(byte[] b, int off) {
    CRC32C crc = new CRC32C();
    crc.update(b, off, FOOTER_CRC_OFFSET);
    crc.update(
        b,
        off + FOOTER_CRC_OFFSET + FOOTER_CRC_LENGTH,
        FOOTER_LENGTH - FOOTER_CRC_OFFSET - FOOTER_CRC_LENGTH);
    return (int) crc.getValue();
  }

  /**
   * Decodes the footer at {@code b[off, off + FOOTER_LENGTH)} of an object of {@code objectLength}
   * bytes. Checks, in order: magic (is this an SST at all), version gate, checksum, bounds.
   */
  public static Footer decode(String source, long objectLength, byte[] b, int off) {
    long at = objectLength - FOOTER_LENGTH;
    if (objectLength < FOOTER_LENGTH || b.length - off < FOOTER_LENGTH) {
      throw new CorruptionException(
          source, 0, "object of " + objectLength + " bytes has no footer");
    }
    if (ByteReader.getLong(b, off + MAGIC_OFFSET) != MAGIC) {
      throw new CorruptionException(source, at + MAGIC_OFFSET, "bad magic: not an ObjectKV SST");
    }
    int version = ByteReader.getInt(b, off + FORMAT_VERSION_OFFSET);
    if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION) {
      throw new UnsupportedFormatVersionException(
          "SST " + source, version, OLDEST_FORMAT_VERSION, FORMAT_VERSION);
    }
    if (ByteReader.getInt(b, off + FOOTER_CRC_OFFSET) != checksum(b, off)) {
      throw new CorruptionException(source, at, "footer checksum mismatch");
    }
    BlockHandle index = handle(source, at, b, off + INDEX_OFFSET_OFFSET, off + INDEX_LENGTH_OFFSET);
    BlockHandle filter =
        handle(source, at, b, off + FILTER_OFFSET_OFFSET, off + FILTER_LENGTH_OFFSET);
    BlockHandle wal = handle(source, at, b, off + WAL_OFFSET_OFFSET, off + WAL_LENGTH_OFFSET);
    long entryCount = ByteReader.getLong(b, off + ENTRY_COUNT_OFFSET);
    if (filter.offset() != index.end() || filter.end() != at || index.offset() > at) {
      throw new CorruptionException(source, at, "index/filter handles do not tile the object tail");
    }
    if (wal.length() > 0 && wal.end() != index.offset()) {
      throw new CorruptionException(source, at, "wal section does not end where the index starts");
    }
    if (entryCount < 0) {
      throw new CorruptionException(source, at, "entry count " + entryCount);
    }
    return new Footer(
        index,
        filter,
        wal,
        entryCount,
        ByteReader.getLong(b, off + MIN_VERSION_OFFSET),
        ByteReader.getLong(b, off + MAX_VERSION_OFFSET),
        version);
  }

  private static BlockHandle handle(String source, long at, byte[] b, int offsetAt, int lengthAt) {
    long offset = ByteReader.getLong(b, offsetAt);
    int length = ByteReader.getInt(b, lengthAt);
    if (offset < 0 || length < 0) {
      throw new CorruptionException(source, at, "negative block handle " + offset + "+" + length);
    }
    return new BlockHandle(offset, length);
  }

  /** Where the data blocks end: the WAL section if any, else the index. */
  public long dataEnd() {
    return hasWal() ? wal.offset() : index.offset();
  }
}
