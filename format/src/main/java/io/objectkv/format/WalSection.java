package io.objectkv.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The WAL section payload: {@code count varint}, then per record {@code version varint |
 * request_id_length varint | request_id | outcome_length varint | outcome}, in log order; from
 * format version 2 each record ends with {@code write_count varint}, then per write {@code
 * key_length varint | key | value_length varint | value}; from version 3 each write ends with
 * {@code expires_at varint} (0: never) and the record with {@code range_count varint}, then per
 * range deleted {@code start_length varint | start | end_length varint | end}.
 */
public final class WalSection {
  private WalSection() {}

  private static final int MAX_REQUEST_ID = 1024;
  private static final int MAX_OUTCOME = 1 << 20;

  /** Encodes in today's format version. */
  public static byte[] encode(List<WalRecord> records) {
    ByteWriter out = new ByteWriter(64 + records.size() * 32);
    out.writeVarint(records.size());
    for (WalRecord r : records) {
      out.writeVarint(r.version());
      out.writeLengthPrefixed(r.requestId());
      out.writeLengthPrefixed(r.outcome());
      out.writeVarint(r.writes().size());
      for (Entry w : r.writes()) {
        out.writeLengthPrefixed(w.key());
        out.writeLengthPrefixed(w.value());
        out.writeVarint(w.expiresAtMillis());
      }
      out.writeVarint(r.rangeDeletes().size());
      for (RangeTombstone t : r.rangeDeletes()) {
        RangeTombstoneBlock.writeBounds(out, t);
      }
    }
    return out.toByteArray();
  }

  /** Verifies and decodes the stored WAL block named by {@code footer}. */
  public static List<WalRecord> decode(String source, Footer footer, byte[] stored) {
    if (!footer.hasWal()) {
      return List.of();
    }
    long at = footer.wal().offset();
    byte[] raw = BlockCodec.decode(source, at, stored, 0, stored.length);
    ByteReader r = new ByteReader(source, at, raw, 0, raw.length);
    int count = r.readLength(raw.length, "wal record count");
    List<WalRecord> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long version = r.readVarint();
      byte[] requestId = r.readLengthPrefixed(MAX_REQUEST_ID, "request id");
      byte[] outcome = r.readLengthPrefixed(MAX_OUTCOME, "outcome");
      List<Entry> writes = List.of();
      List<RangeTombstone> ranges = List.of();
      boolean v3 = footer.formatVersion() >= 3;
      if (footer.formatVersion() >= 2) {
        int n = r.readLength(raw.length, "write count");
        writes = new ArrayList<>(n);
        for (int w = 0; w < n; w++) {
          byte[] key = r.readLengthPrefixed(SstLayout.MAX_KEY_LENGTH, "written key");
          byte[] value = r.readLengthPrefixed(SstLayout.MAX_VALUE_LENGTH, "written value");
          long expiresAt = v3 ? r.readVarint() : Entry.NEVER;
          if (expiresAt < 0) {
            throw r.corrupt("negative expiry");
          }
          writes.add(new Entry(key, version, value, expiresAt));
        }
      }
      if (v3) {
        int n = r.readLength(raw.length, "range delete count");
        ranges = new ArrayList<>(n);
        for (int d = 0; d < n; d++) {
          ranges.add(RangeTombstoneBlock.readBounds(r, version));
        }
      }
      records.add(new WalRecord(version, requestId, outcome, writes, ranges));
    }
    r.expectEnd("wal section");
    return records;
  }
}
