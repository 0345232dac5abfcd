package io.objectkv.reader.query;

import io.objectkv.core.model.Key;
import java.util.Arrays;

/** Keys {@code from <= k < to}; a null bound is open. */
public record KeyRange(byte[] from, byte[] to) {
  public static final KeyRange ALL = new KeyRange(null, null);

  /** Every key that starts with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix.length == 0 ? null : prefix, Key.prefixEnd(prefix));
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
