package io.objectkv.format;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * Every key in {@code [start, end)} deleted at {@code version}: it hides each entry of those keys
 * with a smaller version, wherever that entry is stored. One record whatever the number of keys.
 */
public record RangeTombstone(byte[] start, byte[] end, long version) {
  public RangeTombstone {
    if (start.length == 0 || Arrays.compareUnsigned(start, end) >= 0) {
      throw new IllegalArgumentException("a range tombstone needs 0 < start < end");
    }
    if (end.length > SstLayout.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("range end of " + end.length + " bytes");
    }
    if (version < 0) {
      throw new IllegalArgumentException("negative version " + version);
    }
  }

  /** Whether {@code key} is in the range. */
  public boolean contains(byte[] key) {
    return Arrays.compareUnsigned(start, key) <= 0 && Arrays.compareUnsigned(key, end) < 0;
  }

  /** Whether it hides {@code e}: the key is in the range and was written before it. */
  public boolean hides(Entry e) {
    return e.version() < version && contains(e.key());
  }

  /** Whether it meets {@code [from, to)} (null bounds are open). */
  public boolean overlaps(byte[] from, byte[] to) {
    return (from == null || Arrays.compareUnsigned(end, from) > 0)
        && (to == null || Arrays.compareUnsigned(start, to) < 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangeTombstone r
        && version == r.version
        && Arrays.equals(start, r.start)
        && Arrays.equals(end, r.end);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(start) + Arrays.hashCode(end)) + Long.hashCode(version);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "RangeTombstone["
        + hex.formatHex(start)
        + ".."
        + hex.formatHex(end)
        + " @"
        + version
        + "]";
  }
}
