package io.objectkv.format;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One key at one version. An empty value is a tombstone: the key was deleted at {@code version}.
 *
 * @param expiresAtMillis when the value expires (epoch millis, from the commit time in the log);
 *     {@link #NEVER} for a value that does not expire
 */
public record Entry(byte[] key, long version, byte[] value, long expiresAtMillis) {
  /** {@code expiresAtMillis} of a value that does not expire. */
  public static final long NEVER = 0;

  public Entry {
    if (expiresAtMillis < 0) {
      throw new IllegalArgumentException("negative expiry " + expiresAtMillis);
    }
  }

  /** A value that does not expire, or a tombstone. */
  public Entry(byte[] key, long version, byte[] value) {
    this(key, version, value, NEVER);
  }

  public boolean isTombstone() {
    return value.length == 0;
  }

  public boolean expires() {
    return expiresAtMillis != NEVER;
  }

  /** Whether the key is absent at {@code nowMillis}: deleted, or its value expired. */
  public boolean absentAt(long nowMillis) {
    return isTombstone() || (expires() && nowMillis >= expiresAtMillis);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && version == e.version
        && expiresAtMillis == e.expiresAtMillis
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
        + (isTombstone() ? ", tombstone" : ", value=" + value.length + " bytes")
        + (expires() ? ", expires " + expiresAtMillis + "]" : "]");
  }
}
