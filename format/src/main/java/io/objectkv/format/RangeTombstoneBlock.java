package io.objectkv.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The range tombstone block (format version 3): {@code count varint}, then per tombstone {@code
 * start_length varint | start | end_length varint | end | version varint}, in the order written.
 * Readers keep it in memory with the index: tombstones are few (one per range delete), however many
 * keys they cover.
 */
public final class RangeTombstoneBlock {
  private RangeTombstoneBlock() {}

  public static byte[] encode(List<RangeTombstone> tombstones) {
    ByteWriter out = new ByteWriter(16 + tombstones.size() * 32);
    out.writeVarint(tombstones.size());
    for (RangeTombstone t : tombstones) {
      writeBounds(out, t);
      out.writeVarint(t.version());
    }
    return out.toByteArray();
  }

  /** Decodes the raw (already verified and decompressed) payload stored at {@code at}. */
  static List<RangeTombstone> decode(String source, long at, byte[] raw) {
    ByteReader r = new ByteReader(source, at, raw, 0, raw.length);
    int count = r.readLength(raw.length, "range tombstone count");
    List<RangeTombstone> tombstones = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] start = r.readLengthPrefixed(SstLayout.MAX_KEY_LENGTH, "range start");
      byte[] end = r.readLengthPrefixed(SstLayout.MAX_KEY_LENGTH, "range end");
      tombstones.add(tombstone(r, start, end, r.readVarint()));
    }
    r.expectEnd("range tombstone block");
    return List.copyOf(tombstones);
  }

  static void writeBounds(ByteWriter out, RangeTombstone t) {
    out.writeLengthPrefixed(t.start());
    out.writeLengthPrefixed(t.end());
  }

  /**
   * Reads {@code start | end} as written by {@link #writeBounds}, for a tombstone at {@code
   * version}.
   */
  static RangeTombstone readBounds(ByteReader r, long version) {
    byte[] start = r.readLengthPrefixed(SstLayout.MAX_KEY_LENGTH, "range start");
    byte[] end = r.readLengthPrefixed(SstLayout.MAX_KEY_LENGTH, "range end");
    return tombstone(r, start, end, version);
  }

  private static RangeTombstone tombstone(ByteReader r, byte[] start, byte[] end, long version) {
    try {
      return new RangeTombstone(start, end, version);
    } catch (IllegalArgumentException e) {
      throw r.corrupt("bad range tombstone: " + e.getMessage());
    }
  }
}
