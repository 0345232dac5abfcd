package io.objectkv.core.model;

import java.util.Arrays;
import java.util.HexFormat;

/** One operation of a batch. */
public sealed interface Op {
  /** An operation on one key, with its condition. */
  sealed interface OnKey extends Op {
    Key key();

    Condition condition();
  }

  /**
   * Writes {@code value}; never empty (an empty value is a {@link Delete}).
   *
   * @param ttlMillis the value expires this long after its batch commits; {@link #NO_TTL} for never
   */
  record Put(Key key, byte[] value, Condition condition, long ttlMillis) implements OnKey {
    public static final long NO_TTL = 0;

    public Put {
      if (value.length == 0) {
        throw new IllegalArgumentException("an empty value is a delete");
      }
      if (ttlMillis < 0) {
        throw new IllegalArgumentException("negative ttl " + ttlMillis);
      }
    }

    public Put(Key key, byte[] value, Condition condition) {
      this(key, value, condition, NO_TTL);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Put p
          && key.equals(p.key)
          && Arrays.equals(value, p.value)
          && condition.equals(p.condition)
          && ttlMillis == p.ttlMillis;
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put["
          + key
          + ", "
          + value.length
          + " bytes, "
          + condition
          + (ttlMillis == NO_TTL ? "]" : ", ttl " + ttlMillis + " ms]");
    }
  }

  /** Removes the key (writes a tombstone). */
  record Delete(Key key, Condition condition) implements OnKey {}

  /** Writes nothing; guards the batch with its condition. */
  record Check(Key key, Condition condition) implements OnKey {
    public Check {
      if (condition instanceof Condition.None) {
        throw new IllegalArgumentException("a check needs a condition");
      }
    }
  }

  /**
   * Removes every key in {@code [start, end)} with one range tombstone, whatever their number. An
   * end past every key ({@link #END_OF_KEYS}) reaches the end of the keyspace.
   */
  record DeleteRange(byte[] start, byte[] end) implements Op {
    /** Greater than every key a client can write (keys are at most 4096 bytes). */
    public static final byte[] END_OF_KEYS = endOfKeys();

    private static byte[] endOfKeys() {
      byte[] b = new byte[Limits.MAX_BOUND_BYTES];
      Arrays.fill(b, (byte) 0xFF);
      return b;
    }

    public DeleteRange {
      if (start.length == 0 || Arrays.compareUnsigned(start, end) >= 0) {
        throw new IllegalArgumentException("a deleted range needs a start before its end");
      }
      if (start.length > Limits.MAX_KEY_BYTES || end.length > END_OF_KEYS.length) {
        throw new IllegalArgumentException("range bounds are keys");
      }
    }

    /** Every key that starts with {@code prefix}; every key at all for an empty one. */
    public static DeleteRange prefix(byte[] prefix) {
      if (prefix.length == 0) {
        return new DeleteRange(new byte[] {0}, END_OF_KEYS); // the smallest key is one zero byte
      }
      byte[] end = Key.prefixEnd(prefix);
      return new DeleteRange(prefix, end == null ? END_OF_KEYS : end);
    }

    /** Whether {@code key} is in the range. */
    public boolean contains(byte[] key) {
      return Arrays.compareUnsigned(start, key) <= 0 && Arrays.compareUnsigned(key, end) < 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DeleteRange d
          && Arrays.equals(start, d.start)
          && Arrays.equals(end, d.end);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(start) * 31 + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
      HexFormat hex = HexFormat.of();
      return "DeleteRange[" + hex.formatHex(start) + ".." + hex.formatHex(end) + "]";
    }
  }

  /** A put, or a delete when {@code value} is empty (empty values are tombstones). */
  static OnKey write(Key key, byte[] value, Condition condition) {
    return value.length == 0 ? new Delete(key, condition) : new Put(key, value, condition);
  }
}
