package io.objectkv.core.codec;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodings of the model's pieces, shared by the record codecs of this package. Tags and codes are
 * part of the on-the-wire format: never renumber them.
 */
final class Fields {
  private Fields() {}

  static final int MAX_STRING = 64 * 1024;
  static final int MAX_COUNT = 10_000_000;

  static void writeString(ByteWriter w, String s) {
    w.writeLengthPrefixed(s.getBytes(StandardCharsets.UTF_8));
  }

  static String readString(ByteReader r, String what) {
    return new String(r.readLengthPrefixed(MAX_STRING, what), StandardCharsets.UTF_8);
  }

  /** -1 (none) and every version fit one unsigned varint as {@code v + 1}. */
  static void writeOptionalVersion(ByteWriter w, long v) {
    w.writeVarint(v + 1);
  }

  static long readOptionalVersion(ByteReader r) {
    return r.readVarint() - 1;
  }

  static int readCount(ByteReader r, String what) {
    return r.readLength(MAX_COUNT, what + " count");
  }

  // Conditions: 0 none, 1 absent, 2 exists, 3 version, 4 value.
  static void writeCondition(ByteWriter w, Condition c) {
    switch (c) {
      case Condition.None n -> w.writeByte(0);
      case Condition.Absent a -> w.writeByte(1);
      case Condition.Exists e -> w.writeByte(2);
      case Condition.VersionIs v -> {
        w.writeByte(3);
        w.writeVarint(v.version());
      }
      case Condition.ValueIs v -> {
        w.writeByte(4);
        w.writeLengthPrefixed(v.value());
      }
    }
  }

  static Condition readCondition(ByteReader r) {
    int tag = r.readByte();
    return switch (tag) {
      case 0 -> Condition.NONE;
      case 1 -> Condition.ABSENT;
      case 2 -> Condition.EXISTS;
      case 3 -> new Condition.VersionIs(r.readVarint());
      case 4 ->
          new Condition.ValueIs(r.readLengthPrefixed(Limits.MAX_VALUE_BYTES, "condition value"));
      default -> throw r.corrupt("unknown condition tag " + tag);
    };
  }

  // Ops: 1 put, 2 delete, 3 check, 4 delete range, 5 put with a ttl.
  static void writeOp(ByteWriter w, Op op) {
    switch (op) {
      case Op.Put p -> {
        boolean ttl = p.ttlMillis() != Op.Put.NO_TTL;
        w.writeByte(ttl ? 5 : 1);
        w.writeLengthPrefixed(p.key().bytes());
        w.writeLengthPrefixed(p.value());
        writeCondition(w, p.condition());
        if (ttl) {
          w.writeVarint(p.ttlMillis());
        }
      }
      case Op.Delete d -> {
        w.writeByte(2);
        w.writeLengthPrefixed(d.key().bytes());
        writeCondition(w, d.condition());
      }
      case Op.Check c -> {
        w.writeByte(3);
        w.writeLengthPrefixed(c.key().bytes());
        writeCondition(w, c.condition());
      }
      case Op.DeleteRange d -> {
        w.writeByte(4);
        w.writeLengthPrefixed(d.start());
        w.writeLengthPrefixed(d.end());
      }
    }
  }

  static Op readOp(ByteReader r) {
    int tag = r.readByte();
    if (tag == 4) {
      byte[] start = r.readLengthPrefixed(Limits.MAX_KEY_BYTES, "range start");
      byte[] end = r.readLengthPrefixed(Limits.MAX_BOUND_BYTES, "range end");
      try {
        return new Op.DeleteRange(start, end);
      } catch (IllegalArgumentException e) {
        throw r.corrupt("bad deleted range: " + e.getMessage());
      }
    }
    Key key = new Key(r.readLengthPrefixed(Limits.MAX_KEY_BYTES, "key"));
    boolean put = tag == 1 || tag == 5;
    byte[] value = put ? r.readLengthPrefixed(Limits.MAX_VALUE_BYTES, "value") : null;
    Condition condition = readCondition(r);
    return switch (tag) {
      case 1 -> Op.write(key, value, condition);
      case 5 -> {
        long ttl = r.readVarint();
        if (value.length == 0 || ttl <= 0) {
          throw r.corrupt("a put with a ttl needs a value and a positive ttl");
        }
        yield new Op.Put(key, value, condition, ttl);
      }
      case 2 -> new Op.Delete(key, condition);
      case 3 -> {
        if (condition instanceof Condition.None) {
          throw r.corrupt("check without a condition");
        }
        yield new Op.Check(key, condition);
      }
      default -> throw r.corrupt("unknown op tag " + tag);
    };
  }

  // Outcomes: 1 committed, 2 condition failed, 3 rejected, 4 expired, 5 busy. Reasons: 1 exists,
  // 2 absent, 3 version, 4 value. A remembered condition failure has an empty key.
  static void writeOutcome(ByteWriter w, Outcome o) {
    switch (o) {
      case Outcome.Committed c -> {
        w.writeByte(1);
        w.writeVarint(c.version());
      }
      case Outcome.ConditionFailed f -> {
        w.writeByte(2);
        w.writeVarint(f.index());
        w.writeLengthPrefixed(f.key().bytes());
        w.writeByte(
            switch (f.reason()) {
              case EXISTS -> 1;
              case ABSENT -> 2;
              case VERSION_MISMATCH -> 3;
              case VALUE_MISMATCH -> 4;
            });
        writeOptionalVersion(w, f.currentVersion());
      }
      case Outcome.Rejected rej -> {
        w.writeByte(3);
        writeString(w, rej.message());
      }
      case Outcome.Expired e -> {
        w.writeByte(4);
        w.writeVarint(e.deadlineMillis());
        w.writeVarint(e.arrivedMillis());
      }
      case Outcome.Busy b -> {
        w.writeByte(5);
        writeString(w, b.reason());
      }
    }
  }

  static Outcome readOutcome(ByteReader r) {
    int tag = r.readByte();
    return switch (tag) {
      case 1 -> new Outcome.Committed(r.readVarint());
      case 2 -> {
        int index = r.readLength(Limits.MAX_BATCH_OPS, "failed op index");
        Key key = new Key(r.readLengthPrefixed(Limits.MAX_KEY_BYTES, "key"));
        int code = r.readByte();
        Reason reason =
            switch (code) {
              case 1 -> Reason.EXISTS;
              case 2 -> Reason.ABSENT;
              case 3 -> Reason.VERSION_MISMATCH;
              case 4 -> Reason.VALUE_MISMATCH;
              default -> throw r.corrupt("unknown reason code " + code);
            };
        yield new Outcome.ConditionFailed(index, key, reason, readOptionalVersion(r));
      }
      case 3 -> new Outcome.Rejected(readString(r, "message"));
      case 4 -> new Outcome.Expired(r.readVarint(), r.readVarint());
      case 5 -> new Outcome.Busy(readString(r, "reason"));
      default -> throw r.corrupt("unknown outcome tag " + tag);
    };
  }

  static void writeSstInfo(ByteWriter w, SstInfo s) {
    writeString(w, s.key());
    w.writeVarint(s.sizeBytes());
    w.writeVarint(s.entryCount());
    w.writeLengthPrefixed(s.minKey());
    w.writeLengthPrefixed(s.maxKey());
    w.writeVarint(s.minVersion());
    w.writeVarint(s.maxVersion());
  }

  static SstInfo readSstInfo(ByteReader r) {
    return new SstInfo(
        readString(r, "object key"),
        r.readVarint(),
        r.readVarint(),
        r.readLengthPrefixed(Limits.MAX_KEY_BYTES, "min key"),
        // a range delete to the end of the keyspace ends one byte past the longest key
        r.readLengthPrefixed(Limits.MAX_BOUND_BYTES, "max key"),
        r.readVarint(),
        r.readVarint());
  }

  static void writeSstInfos(ByteWriter w, List<SstInfo> list) {
    w.writeVarint(list.size());
    list.forEach(s -> writeSstInfo(w, s));
  }

  static List<SstInfo> readSstInfos(ByteReader r, String what) {
    int n = readCount(r, what);
    List<SstInfo> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(readSstInfo(r));
    }
    return out;
  }

  static void writeStrings(ByteWriter w, List<String> list) {
    w.writeVarint(list.size());
    list.forEach(s -> writeString(w, s));
  }

  static List<String> readStrings(ByteReader r, String what) {
    int n = readCount(r, what);
    List<String> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(readString(r, what));
    }
    return out;
  }

  /**
   * The version gate of every top-level record: one byte, this build reads {@code oldest..newest}.
   *
   * @return the record's version
   */
  static int readVersion(ByteReader r, String what, int oldest, int newest) {
    int v = r.readByte();
    if (v < oldest || v > newest) {
      throw new io.objectkv.format.UnsupportedFormatVersionException(what, v, oldest, newest);
    }
    return v;
  }
}
