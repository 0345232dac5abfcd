package io.objectkv.reader.query;

import java.util.Arrays;

/** Keys {@code from <= k < to}; a null bound is open. */
public record KeyRange(byte[] from, byte[] to) {
  public static final KeyRange ALL = new KeyRange(null, null);

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix.length == 0 ? null : prefix, prefixEnd(prefix));
  }

  /** The smallest key greater than every key with this prefix, or null if there is none. */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }

  /** The keys in both ranges. */
  public KeyRange intersect(KeyRange o) {
    byte[] f =
        from == null
            ? o.from
            : o.from == null ? from : Arrays.compareUnsigned(from, o.from) >= 0 ? from : o.from;
    byte[] t =
        to == null ? o.to : o.to == null ? to : Arrays.compareUnsigned(to, o.to) <= 0 ? to : o.to;
    return new KeyRange(f, t);
  }

  /** Whether {@code key} is in the range. */
  public boolean contains(byte[] key) {
    return (from == null || Arrays.compareUnsigned(key, from) >= 0)
        && (to == null || Arrays.compareUnsigned(key, to) < 0);
  }

  public boolean isEmpty() {
    return from != null && to != null && Arrays.compareUnsigned(from, to) >= 0;
  }

  /** The rest of the range after {@code last} was returned, in the scan's direction. */
  public KeyRange after(byte[] last, boolean reverse) {
    if (reverse) {
      return intersect(new KeyRange(null, last));
    }
    byte[] next = Arrays.copyOf(last, last.length + 1); // the smallest key greater than last
    return intersect(new KeyRange(next, null));
  }
}
