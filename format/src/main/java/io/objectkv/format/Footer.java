package io.objectkv.format;

import static io.objectkv.format.SstLayout.ENTRY_COUNT_OFFSET;
import static io.objectkv.format.SstLayout.FILTER_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.FILTER_OFFSET_OFFSET;
import static io.objectkv.format.SstLayout.FOOTER_CRC_FROM_END;
import static io.objectkv.format.SstLayout.FOOTER_CRC_LENGTH;
import static io.objectkv.format.SstLayout.FORMAT_VERSION;
import static io.objectkv.format.SstLayout.FORMAT_VERSION_FROM_END;
import static io.objectkv.format.SstLayout.INDEX_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.INDEX_OFFSET_OFFSET;
import static io.objectkv.format.SstLayout.MAGIC;
import static io.objectkv.format.SstLayout.MAGIC_FROM_END;
import static io.objectkv.format.SstLayout.MAX_VERSION_OFFSET;
import static io.objectkv.format.SstLayout.MIN_VERSION_OFFSET;
import static io.objectkv.format.SstLayout.OLDEST_FORMAT_VERSION;
import static io.objectkv.format.SstLayout.RANGE_TOMBSTONES_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.RANGE_TOMBSTONES_OFFSET_OFFSET;
import static io.objectkv.format.SstLayout.WAL_LENGTH_OFFSET;
import static io.objectkv.format.SstLayout.WAL_OFFSET_OFFSET;

import java.util.zip.CRC32C;

/**
 * The footer at the end of every SST object; see {@link SstLayout}. {@code formatVersion} is the
 * version the object was written in (what its records and WAL section hold depends on it); its
 * length too: versions 1 and 2 have no range tombstone handle.
 */
public record Footer(
    BlockHandle index,
    BlockHandle filter,
    BlockHandle wal,
    BlockHandle rangeTombstones,
    long entryCount,
    long minVersion,
    long maxVersion,
    int formatVersion) {

  private static final BlockHandle NONE = new BlockHandle(0, 0);

  public boolean hasWal() {
    return wal.length() > 0;
  }

  public boolean hasRangeTombstones() {
    return rangeTombstones.length() > 0;
  }

  /** This footer's length in bytes. */
  public int length() {
    return SstLayout.footerLength(formatVersion);
  }

  byte[] encode() {
    if (formatVersion != FORMAT_VERSION) {
      throw new IllegalStateException("this code writes format version " + FORMAT_VERSION);
    }
    int length = length();
    byte[] b = new byte[length];
    BlockCodec.putLong(b, INDEX_OFFSET_OFFSET, index.offset());
    BlockCodec.putInt(b, INDEX_LENGTH_OFFSET, index.length());
    BlockCodec.putLong(b, FILTER_OFFSET_OFFSET, filter.offset());
    BlockCodec.putInt(b, FILTER_LENGTH_OFFSET, filter.length());
    BlockCodec.putLong(b, WAL_OFFSET_OFFSET, wal.offset());
    BlockCodec.putInt(b, WAL_LENGTH_OFFSET, wal.length());
    BlockCodec.putLong(b, ENTRY_COUNT_OFFSET, entryCount);
    BlockCodec.putLong(b, MIN_VERSION_OFFSET, minVersion);
    BlockCodec.putLong(b, MAX_VERSION_OFFSET, maxVersion);
    BlockCodec.putLong(b, RANGE_TOMBSTONES_OFFSET_OFFSET, rangeTombstones.offset());
    BlockCodec.putInt(b, RANGE_TOMBSTONES_LENGTH_OFFSET, rangeTombstones.length());
    BlockCodec.putInt(b, length - FORMAT_VERSION_FROM_END, formatVersion);
    BlockCodec.putLong(b, length - MAGIC_FROM_END, MAGIC);
    BlockCodec.putInt(b, length - FOOTER_CRC_FROM_END, checksum(b, 0, length));
    return b;
  }

  /** CRC32C of a footer of {@code length} bytes with its checksum field left out. */
  private static int checksum(byte[] b, int off, int length) {
    int crcAt = length - FOOTER_CRC_FROM_END;
    CRC32C crc = new CRC32C();
    crc.update(b, off, crcAt);
    crc.update(b, off + crcAt + FOOTER_CRC_LENGTH, length - crcAt - FOOTER_CRC_LENGTH);
    return (int) crc.getValue();
  }

  /**
   * Decodes the footer that ends at {@code b[end]}, the end of an object of {@code objectLength}
   * bytes. Checks, in order: magic (is this an SST at all), version gate, checksum, bounds.
   */
  public static Footer decode(String source, long objectLength, byte[] b, int end) {
    if (objectLength < SstLayout.FOOTER_LENGTH_V2 || end < SstLayout.FOOTER_LENGTH_V2) {
      throw new CorruptionException(
          source, 0, "object of " + objectLength + " bytes has no footer");
    }
    if (ByteReader.getLong(b, end - MAGIC_FROM_END) != MAGIC) {
      throw new CorruptionException(
          source, objectLength - MAGIC_FROM_END, "bad magic: not an ObjectKV SST");
    }
    int version = ByteReader.getInt(b, end - FORMAT_VERSION_FROM_END);
    if (version < OLDEST_FORMAT_VERSION || version > FORMAT_VERSION) {
      throw new UnsupportedFormatVersionException(
          "SST " + source, version, OLDEST_FORMAT_VERSION, FORMAT_VERSION);
    }
    int length = SstLayout.footerLength(version);
    long at = objectLength - length;
    if (objectLength < length || end < length) {
      throw new CorruptionException(
          source, 0, "object of " + objectLength + " bytes has no footer");
    }
    int off = end - length;
    if (ByteReader.getInt(b, end - FOOTER_CRC_FROM_END) != checksum(b, off, length)) {
      throw new CorruptionException(source, at, "footer checksum mismatch");
    }
    BlockHandle index = handle(source, at, b, off + INDEX_OFFSET_OFFSET, off + INDEX_LENGTH_OFFSET);
    BlockHandle filter =
        handle(source, at, b, off + FILTER_OFFSET_OFFSET, off + FILTER_LENGTH_OFFSET);
    BlockHandle wal = handle(source, at, b, off + WAL_OFFSET_OFFSET, off + WAL_LENGTH_OFFSET);
    BlockHandle ranges =
        version >= 3
            ? handle(
                source,
                at,
                b,
                off + RANGE_TOMBSTONES_OFFSET_OFFSET,
                off + RANGE_TOMBSTONES_LENGTH_OFFSET)
            : NONE;
    long entryCount = ByteReader.getLong(b, off + ENTRY_COUNT_OFFSET);
    if (filter.offset() != index.end() || filter.end() != at || index.offset() > at) {
      throw new CorruptionException(source, at, "index/filter handles do not tile the object tail");
    }
    long afterWal = ranges.length() > 0 ? ranges.offset() : index.offset();
    if (wal.length() > 0 && wal.end() != afterWal) {
      throw new CorruptionException(
          source, at, "wal section does not end where the next block starts");
    }
    if (ranges.length() > 0 && ranges.end() != index.offset()) {
      throw new CorruptionException(
          source, at, "range tombstone block does not end where the index starts");
    }
    if (entryCount < 0) {
      throw new CorruptionException(source, at, "entry count " + entryCount);
    }
    return new Footer(
        index,
        filter,
        wal,
        ranges,
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

  /** Where the data blocks end: the first block after them. */
  public long dataEnd() {
    return hasWal()
        ? wal.offset()
        : hasRangeTombstones() ? rangeTombstones.offset() : index.offset();
  }

  /** Where the blocks a reader keeps in memory start (range tombstones, index, filter). */
  public long metadataStart() {
    return hasRangeTombstones() ? rangeTombstones.offset() : index.offset();
  }
}
