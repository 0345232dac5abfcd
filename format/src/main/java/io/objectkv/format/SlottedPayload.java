package io.objectkv.format;

import static io.objectkv.format.SstLayout.SLOT_COUNT_LENGTH;
import static io.objectkv.format.SstLayout.SLOT_LENGTH;

/**
 * The payload shape shared by data and index blocks: records back to back, then the start offset of
 * each record (u32), then the record count (u32). The slots give binary search and reverse
 * iteration without decoding every record.
 */
final class SlottedPayload {
  private SlottedPayload() {}

  /** Appends the slot table for {@code slots[0, count)} to {@code out}. */
  static void writeSlots(ByteWriter out, int[] slots, int count) {
    for (int i = 0; i < count; i++) {
      out.writeInt(slots[i]);
    }
    out.writeInt(count);
  }

  /** Reads and validates the slot table; the records end where the table starts. */
  static int[] readSlots(String source, long objectOffset, byte[] raw) {
    if (raw.length < SLOT_COUNT_LENGTH) {
      throw new CorruptionException(source, objectOffset, "block payload shorter than its count");
    }
    int count = ByteReader.getInt(raw, raw.length - SLOT_COUNT_LENGTH);
    long tableLength = (long) count * SLOT_LENGTH + SLOT_COUNT_LENGTH;
    if (count < 0 || tableLength > raw.length) {
      throw new CorruptionException(source, objectOffset, "block record count " + count);
    }
    int recordsEnd = (int) (raw.length - tableLength);
    int[] slots = new int[count];
    int previous = -1;
    for (int i = 0; i < count; i++) {
      int s = ByteReader.getInt(raw, recordsEnd + i * SLOT_LENGTH);
      if (s <= previous || s >= recordsEnd) {
        throw new CorruptionException(source, objectOffset, "block slot " + i + " = " + s);
      }
      slots[i] = s;
      previous = s;
    }
    return slots;
  }

  static int recordsEnd(int[] slots, byte[] raw) {
    return raw.length - slots.length * SLOT_LENGTH - SLOT_COUNT_LENGTH;
  }
}
