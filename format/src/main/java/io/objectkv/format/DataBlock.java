package io.objectkv.format;

import java.util.Arrays;

/**
 * A decoded data block: entries sorted by key, each {@code key_length varint | value_length varint
 * | version varint | key | value}; from format version 3 {@code expires_at varint} (0: never)
 * follows the version. Immutable and safe to share between threads.
 */
public final class DataBlock {
  private final String source;
  private final long objectOffset;
  private final byte[] raw;
  private final int[] slots;
  private final int recordsEnd;
  private final boolean withExpiry;

  private DataBlock(String source, long objectOffset, byte[] raw, int[] slots, boolean withExpiry) {
    this.source = source;
    this.objectOffset = objectOffset;
    this.raw = raw;
    this.slots = slots;
    this.recordsEnd = SlottedPayload.recordsEnd(slots, raw);
    this.withExpiry = withExpiry;
  }

  /**
   * Verifies the checksum of {@code stored}, a block of an SST of {@code formatVersion}, and
   * decodes it.
   */
  public static DataBlock decode(
      String source, BlockHandle handle, byte[] stored, int formatVersion) {
    if (stored.length != handle.length()) {
      throw new CorruptionException(
          source,
          handle.offset(),
          "block is " + stored.length + " bytes, index says " + handle.length());
    }
    byte[] raw = BlockCodec.decode(source, handle.offset(), stored, 0, stored.length);
    return new DataBlock(
        source,
        handle.offset(),
        raw,
        SlottedPayload.readSlots(source, handle.offset(), raw),
        formatVersion >= SstLayout.FIRST_VERSION_WITH_EXPIRY);
  }

  public int size() {
    return slots.length;
  }

  /** Bytes this block holds in memory, for cache accounting. */
  public long memoryBytes() {
    return 64L + raw.length + 4L * slots.length;
  }

  private ByteReader recordAt(int i) {
    int end = i + 1 < slots.length ? slots[i + 1] : recordsEnd;
    return new ByteReader(source, objectOffset, raw, slots[i], end);
  }

  public Entry entryAt(int i) {
    ByteReader r = recordAt(i);
    int keyLength = r.readLength(SstLayout.MAX_KEY_LENGTH, "key length");
    int valueLength = r.readLength(SstLayout.MAX_VALUE_LENGTH, "value length");
    long version = r.readVarint();
    long expiresAt = withExpiry ? r.readVarint() : Entry.NEVER;
    if (version < 0 || expiresAt < 0) {
      throw new CorruptionException(source, objectOffset + slots[i], "bad version or expiry");
    }
    byte[] key = r.readBytes(keyLength);
    byte[] value = r.readBytes(valueLength);
    if (r.remaining() != 0) { // the message is built only then: this runs for every entry read
      r.expectEnd("record " + i);
    }
    return new Entry(key, version, value, expiresAt);
  }

  /**
   * Compares the key of entry {@code i} with {@code key}, unsigned lexicographic. Parses in place
   * without allocating: this is the inner loop of every lookup.
   */
  public int compareKeyAt(int i, byte[] key) {
    int p = slots[i];
    int end = i + 1 < slots.length ? slots[i + 1] : recordsEnd;
    int keyLength = 0;
    for (int shift = 0; ; shift += 7) {
      if (p >= end || shift > 14) {
        throw new CorruptionException(source, objectOffset + p, "bad key length in record " + i);
      }
      int b = raw[p++] & 0xFF;
      keyLength |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    p = skipVarint(p, end, i);
    p = skipVarint(p, end, i);
    if (withExpiry) {
      p = skipVarint(p, end, i);
    }
    if (keyLength > end - p) {
      throw new CorruptionException(
          source, objectOffset + p, "key of record " + i + " overruns it");
    }
    return Arrays.compareUnsigned(raw, p, p + keyLength, key, 0, key.length);
  }

  private int skipVarint(int p, int end, int record) {
    for (int n = 0; n < 10; n++) {
      if (p >= end) {
        break;
      }
      if ((raw[p++] & 0x80) == 0) {
        return p;
      }
    }
    throw new CorruptionException(source, objectOffset + p, "bad varint in record " + record);
  }

  /** The index of the first entry whose key is >= {@code key}; {@link #size()} if none. */
  public int lowerBound(byte[] key) {
    int lo = 0;
    int hi = slots.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareKeyAt(mid, key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The entry with exactly {@code key}, or null. */
  public Entry find(byte[] key) {
    int i = lowerBound(key);
    return i < slots.length && compareKeyAt(i, key) == 0 ? entryAt(i) : null;
  }
}
