package io.objectkv.format;

import java.util.ArrayList;
import java.util.List;

/**
 * The WAL section payload: {@code count varint}, then per record {@code version varint |
 * request_id_length varint | request_id | outcome_length varint | outcome}, in log order.
 */
public final class WalSection {
  private WalSection() {}

  private static final int MAX_REQUEST_ID = 1024;
  private static final int MAX_OUTCOME = 1 << 20;

  public static byte[] encode(List<WalRecord> records) {
    ByteWriter out = new ByteWriter(64 + records.size() * 32);
    out.writeVarint(records.size());
    for (WalRecord r : records) {
      out.writeVarint(r.version());
      out.writeLengthPrefixed(r.requestId());
      out.writeLengthPrefixed(r.outcome());
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
      records.add(new WalRecord(version, requestId, outcome));
    }
    r.expectEnd("wal section");
    return records;
  }
}
