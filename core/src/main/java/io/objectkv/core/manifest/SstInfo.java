package io.objectkv.core.manifest;

import io.objectkv.format.SstSummary;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the manifest records about one SST object: where it is and which keys and versions it
 * covers, so readers can skip it without opening it. The key bounds include its range tombstones'
 * ranges: an object may hold range tombstones and no entries.
 */
public record SstInfo(
    String key,
    long sizeBytes,
    long entryCount,
    byte[] minKey,
    byte[] maxKey,
    long minVersion,
    long maxVersion) {

  public static SstInfo of(String objectKey, SstSummary s) {
    return new SstInfo(
        objectKey,
        s.sizeBytes(),
        s.entryCount(),
        s.minKey() == null ? new byte[0] : s.minKey(),
        s.maxKey() == null ? new byte[0] : s.maxKey(),
        s.minVersion(),
        s.maxVersion());
  }

  /** Whether it holds nothing: no entry and no range tombstone. */
  public boolean isEmpty() {
    return entryCount == 0 && minKey.length == 0;
  }

  /** Whether {@code key} lies within [minKey, maxKey]. */
  public boolean covers(byte[] key) {
    return !isEmpty()
        && Arrays.compareUnsigned(minKey, key) <= 0
        && Arrays.compareUnsigned(key, maxKey) <= 0;
  }

  /** Whether any key of [from, to) can be in this SST (null bounds are open). */
  public boolean overlaps(byte[] from, byte[] to) {
    return !isEmpty()
        && (from == null || Arrays.compareUnsigned(maxKey, from) >= 0)
        && (to == null || Arrays.compareUnsigned(minKey, to) < 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SstInfo s
        && key.equals(s.key)
        && sizeBytes == s.sizeBytes
        && entryCount == s.entryCount
        && Arrays.equals(minKey, s.minKey)
        && Arrays.equals(maxKey, s.maxKey)
        && minVersion == s.minVersion
        && maxVersion == s.maxVersion;
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "SstInfo["
        + key
        + ", "
        + sizeBytes
        + " B, "
        + entryCount
        + " entries, keys "
        + hex.formatHex(minKey)
        + ".."
        + hex.formatHex(maxKey)
        + ", versions "
        + minVersion
        + ".."
        + maxVersion
        + "]";
  }
}
