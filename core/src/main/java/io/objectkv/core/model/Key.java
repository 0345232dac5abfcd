package io.objectkv.core.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** A key: any bytes, ordered unsigned lexicographically. */
public record Key(byte[] bytes) implements Comparable<Key> {
  /** The empty key: never a valid key of a batch; stands for "not recorded". */
  public static final Key EMPTY = new Key(new byte[0]);

  public static Key of(String utf8) {
    return new Key(utf8.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int compareTo(Key o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Key k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    String s = new String(bytes, StandardCharsets.UTF_8);
    return Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes)
            && s.chars().noneMatch(Character::isISOControl)
        ? s
        : "0x" + HexFormat.of().formatHex(bytes);
  }

  /**
   * The smallest key greater than every key that starts with {@code prefix}, or null when there is
   * none (the prefix is all 0xFF bytes, or empty).
   */
  public static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xFF) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return null;
  }
}
