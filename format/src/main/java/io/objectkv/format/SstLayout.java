package io.objectkv.format;

/**
 * The byte layout of an SST object, format v3, as chained constants. docs/format.md is the
 * normative description; this class is its only translation into code.
 *
 * <pre>
 * [data block]* [wal section block]? [range tombstone block]? [index block] [filter block] [footer]
 * </pre>
 *
 * Every block is stored as {@code payload | compression u8 | raw_length u32 | crc32c u32}. All
 * fixed-width integers are big-endian.
 */
public final class SstLayout {
  private SstLayout() {}

  /**
   * The format version this code writes. Version 2 adds each committed batch's writes to the WAL
   * section; version 3 adds expiry times to entries and writes, range tombstones (a block of their
   * own and in the WAL section) and a longer footer that points at them.
   */
  public static final int FORMAT_VERSION = 3;

  /** The oldest format version this code reads. */
  public static final int OLDEST_FORMAT_VERSION = 1;

  /** "OBJKVSST" in ASCII: the last eight bytes of every SST object. */
  public static final long MAGIC = 0x4F424A4B56535354L;

  // Block trailer, relative to the end of the payload.
  public static final int TRAILER_COMPRESSION_OFFSET = 0;
  public static final int TRAILER_COMPRESSION_LENGTH = 1;
  public static final int TRAILER_RAW_LENGTH_OFFSET =
      TRAILER_COMPRESSION_OFFSET + TRAILER_COMPRESSION_LENGTH;
  public static final int TRAILER_RAW_LENGTH_LENGTH = 4;
  public static final int TRAILER_CRC_OFFSET =
      TRAILER_RAW_LENGTH_OFFSET + TRAILER_RAW_LENGTH_LENGTH;
  public static final int TRAILER_CRC_LENGTH = 4;
  public static final int BLOCK_TRAILER_LENGTH = TRAILER_CRC_OFFSET + TRAILER_CRC_LENGTH;

  public static final byte COMPRESSION_NONE = 0;
  public static final byte COMPRESSION_LZ4 = 1;

  // Slotted payload (data and index blocks): records, then offsets u32[count], then count u32.
  public static final int SLOT_LENGTH = 4;
  public static final int SLOT_COUNT_LENGTH = 4;

  // Footer, relative to its start (object length - FOOTER_LENGTH).
  public static final int INDEX_OFFSET_OFFSET = 0;
  public static final int INDEX_OFFSET_LENGTH = 8;
  public static final int INDEX_LENGTH_OFFSET = INDEX_OFFSET_OFFSET + INDEX_OFFSET_LENGTH;
  public static final int INDEX_LENGTH_LENGTH = 4;
  public static final int FILTER_OFFSET_OFFSET = INDEX_LENGTH_OFFSET + INDEX_LENGTH_LENGTH;
  public static final int FILTER_OFFSET_LENGTH = 8;
  public static final int FILTER_LENGTH_OFFSET = FILTER_OFFSET_OFFSET + FILTER_OFFSET_LENGTH;
  public static final int FILTER_LENGTH_LENGTH = 4;
  public static final int WAL_OFFSET_OFFSET = FILTER_LENGTH_OFFSET + FILTER_LENGTH_LENGTH;
  public static final int WAL_OFFSET_LENGTH = 8;
  public static final int WAL_LENGTH_OFFSET = WAL_OFFSET_OFFSET + WAL_OFFSET_LENGTH;
  public static final int WAL_LENGTH_LENGTH = 4;
  public static final int ENTRY_COUNT_OFFSET = WAL_LENGTH_OFFSET + WAL_LENGTH_LENGTH;
  public static final int ENTRY_COUNT_LENGTH = 8;
  public static final int MIN_VERSION_OFFSET = ENTRY_COUNT_OFFSET + ENTRY_COUNT_LENGTH;
  public static final int MIN_VERSION_LENGTH = 8;
  public static final int MAX_VERSION_OFFSET = MIN_VERSION_OFFSET + MIN_VERSION_LENGTH;
  public static final int MAX_VERSION_LENGTH = 8;
  // From version 3 only: versions 1 and 2 have their checksum here.
  public static final int RANGE_TOMBSTONES_OFFSET_OFFSET = MAX_VERSION_OFFSET + MAX_VERSION_LENGTH;
  public static final int RANGE_TOMBSTONES_OFFSET_LENGTH = 8;
  public static final int RANGE_TOMBSTONES_LENGTH_OFFSET =
      RANGE_TOMBSTONES_OFFSET_OFFSET + RANGE_TOMBSTONES_OFFSET_LENGTH;
  public static final int RANGE_TOMBSTONES_LENGTH_LENGTH = 4;
  public static final int FOOTER_CRC_OFFSET =
      RANGE_TOMBSTONES_LENGTH_OFFSET + RANGE_TOMBSTONES_LENGTH_LENGTH;
  public static final int FOOTER_CRC_LENGTH = 4;
  public static final int FORMAT_VERSION_OFFSET = FOOTER_CRC_OFFSET + FOOTER_CRC_LENGTH;
  public static final int FORMAT_VERSION_LENGTH = 4;
  public static final int MAGIC_OFFSET = FORMAT_VERSION_OFFSET + FORMAT_VERSION_LENGTH;
  public static final int MAGIC_LENGTH = 8;
  public static final int FOOTER_LENGTH = MAGIC_OFFSET + MAGIC_LENGTH;

  /** The footer of versions 1 and 2: the same fields without the range tombstone handle. */
  public static final int FOOTER_LENGTH_V2 =
      FOOTER_LENGTH - RANGE_TOMBSTONES_OFFSET_LENGTH - RANGE_TOMBSTONES_LENGTH_LENGTH;

  /** The checksum, version and magic end every footer: read from its end, they tell its length. */
  public static final int FOOTER_CRC_FROM_END = FOOTER_LENGTH - FOOTER_CRC_OFFSET;

  public static final int FORMAT_VERSION_FROM_END = FOOTER_LENGTH - FORMAT_VERSION_OFFSET;
  public static final int MAGIC_FROM_END = FOOTER_LENGTH - MAGIC_OFFSET;

  /** The footer length of a format version. */
  public static int footerLength(int formatVersion) {
    return formatVersion >= 3 ? FOOTER_LENGTH : FOOTER_LENGTH_V2;
  }

  /** Data records carry an expiry time from this version on. */
  public static final int FIRST_VERSION_WITH_EXPIRY = 3;

  // Limits the format itself enforces when reading (the database's own limits are tighter).
  public static final int MAX_KEY_LENGTH = 65_535;
  public static final int MAX_VALUE_LENGTH = 64 << 20;
  public static final int MAX_BLOCK_RAW_LENGTH = 128 << 20;
}
