package io.objectkv.format;

import java.util.Arrays;

/**
 * The decoded index: for each data block, its last key and its handle. Records are {@code
 * last_key_length varint | last_key | offset varint | length varint}.
 */
public final class IndexBlock {
  private final byte[][] lastKeys;
  private final long[] offsets;
  private final int[] lengths;

  private IndexBlock(byte[][] lastKeys, long[] offsets, int[] lengths) {
    this.lastKeys = lastKeys;
    this.offsets = offsets;
    this.lengths = lengths;
  }

  static IndexBlock decode(String source, long objectOffset, byte[] raw, long dataEnd) {
    int[] slots = SlottedPayload.readSlots(source, objectOffset, raw);
    int end = SlottedPayload.recordsEnd(slots, raw);
    byte[][] keys = new byte[slots.length][];
    long[] offsets = new long[slots.length];
    int[] lengths = new int[slots.length];
    long expectedOffset = 0;
    for (int i = 0; i < slots.length; i++) {
      ByteReader r =
          new ByteReader(
              source, objectOffset, raw, slots[i], i + 1 < slots.length ? slots[i + 1] : end);
      keys[i] = r.readBytes(r.readLength(SstLayout.MAX_KEY_LENGTH, "index key length"));
      offsets[i] = r.readVarint();
      lengths[i] = r.readLength(Integer.MAX_VALUE, "block length");
      if (offsets[i] != expectedOffset || offsets[i] + lengths[i] > dataEnd) {
        throw r.corrupt("index entry " + i + " points at " + offsets[i] + "+" + lengths[i]);
      }
      if (i > 0 && Arrays.compareUnsigned(keys[i - 1], keys[i]) >= 0) {
        throw r.corrupt("index keys out of order at entry " + i);
      }
      expectedOffset = offsets[i] + lengths[i];
    }
    return new IndexBlock(keys, offsets, lengths);
  }

  static void writeEntry(ByteWriter out, byte[] lastKey, long offset, int length) {
    out.writeVarint(lastKey.length);
    out.writeBytes(lastKey);
    out.writeVarint(offset);
    out.writeVarint(length);
  }

  public int blockCount() {
    return lastKeys.length;
  }

  public BlockHandle handle(int block) {
    return new BlockHandle(offsets[block], lengths[block]);
  }

  public byte[] lastKey(int block) {
    return lastKeys[block];
  }

  /** The first block whose last key is >= {@code key}: the only block that can hold it. */
  public int blockFor(byte[] key) {
    int lo = 0;
    int hi = lastKeys.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(lastKeys[mid], key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  long memoryBytes() {
    long total = 64L + 12L * lastKeys.length;
    for (byte[] k : lastKeys) {
      total += 16 + k.length;
    }
    return total;
  }
}
