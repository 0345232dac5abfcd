package io.objectkv.format;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One key at one version. An empty value is a tombstone: the key was deleted at {@code version}.
 */
public record Entry(byte[] key, long version, byte[] value) {
  public boolean isTombstone() {
    return value.length == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && version == e.version
        && Arrays.equals(key, e.key)
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Arrays.hashCode(key) + Long.hashCode(version)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "Entry[key="
        + HexFormat.of().formatHex(key)
        + ", version="
        + version
        + (isTombstone() ? ", tombstone]" : ", value=" + value.length + " bytes]");
  }
}
