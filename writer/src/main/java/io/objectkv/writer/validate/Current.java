package io.objectkv.writer.validate;

import io.objectkv.format.Entry;
import java.util.Arrays;

/**
 * A key's state as conditions see it: its version, bytes and expiry. An empty value means the key
 * does not exist (never written: version -1; deleted: the version of the delete); a value past its
 * expiry does not exist either.
 */
public record Current(long version, byte[] value, long expiresAtMillis) {
  public static final Current NEVER_WRITTEN = new Current(-1, new byte[0], Entry.NEVER);

  public Current(long version, byte[] value) {
    this(version, value, Entry.NEVER);
  }

  /** The state an entry of the database leaves (null: never written). */
  public static Current of(Entry e) {
    return e == null ? NEVER_WRITTEN : new Current(e.version(), e.value(), e.expiresAtMillis());
  }

  /** Whether the key exists at {@code nowMillis} (log time). */
  public boolean exists(long nowMillis) {
    return value.length > 0 && (expiresAtMillis == Entry.NEVER || nowMillis < expiresAtMillis);
  }

  /** Approximate heap bytes, for cache accounting. */
  long memoryBytes() {
    return 56L + value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Current c
        && version == c.version
        && expiresAtMillis == c.expiresAtMillis
        && Arrays.equals(value, c.value);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(version) * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return value.length > 0
        ? "Current[v"
            + version
            + ", "
            + value.length
            + " bytes"
            + (expiresAtMillis == Entry.NEVER ? "]" : ", expires " + expiresAtMillis + "]")
        : "Current[absent, v" + version + "]";
  }
}
