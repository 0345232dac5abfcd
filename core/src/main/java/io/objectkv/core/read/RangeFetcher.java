package io.objectkv.core.read;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fetches byte ranges of objects: the object store itself, or a cache in front of it. Every range
 * it returns is checked by the layer that decodes it.
 */
public interface RangeFetcher {
  /** {@code length} bytes at {@code offset} of the object (fewer only where the object ends). */
  byte[] fetch(String objectKey, long offset, int length);

  /**
   * Adjacent ranges of one object in one go: range i is {@code [ends[i-1], ends[i])}, the first
   * starting at {@code start}. A scan reads ahead with it, so it costs one request, or one per run
   * of ranges a cache does not hold.
   */
  default List<byte[]> fetchAdjacent(String objectKey, long start, long[] ends) {
    return split(fetch(objectKey, start, (int) (ends[ends.length - 1] - start)), start, ends);
  }

  /** Forgets any cached copy of the range: it failed a check and will be fetched again. */
  default void invalidate(String objectKey, long offset, int length) {}

  /** Cuts {@code bytes}, read from {@code start}, into the ranges ending at {@code ends}. */
  static List<byte[]> split(byte[] bytes, long start, long[] ends) {
    List<byte[]> parts = new ArrayList<>(ends.length);
    long from = start;
    for (long end : ends) {
      int a = (int) Math.min(bytes.length, from - start);
      int b = (int) Math.min(bytes.length, end - start);
      parts.add(Arrays.copyOfRange(bytes, a, b));
      from = end;
    }
    return parts;
  }
}
