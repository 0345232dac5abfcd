package io.objectkv.writer.validate;

import java.util.Arrays;

/**
 * A key's state as conditions see it: its version and bytes. An empty value means the key does not
 * exist (never written: version -1; deleted: the version of the delete).
 */
public record Current(long version, byte[] value) {
  public static final Current NEVER_WRITTEN = new Current(-1, new byte[0]);

  public boolean exists() {
    return value.length > 0;
  }

  /** Approximate heap bytes, for cache accounting. */
  long memoryBytes() {
    return 48L + value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Current c && version == c.version && Arrays.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return exists()
        ? "Current[v" + version + ", " + value.length + " bytes]"
        : "Current[absent, v" + version + "]";
  }
}
