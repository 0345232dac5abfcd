package io.objectkv.core.read;

/**
 * Fetches byte ranges of objects: the object store itself, or a cache in front of it. Every range
 * it returns is checked by the layer that decodes it.
 */
public interface RangeFetcher {
  /** {@code length} bytes at {@code offset} of the object (fewer only where the object ends). */
  byte[] fetch(String objectKey, long offset, int length);

  /** Forgets any cached copy of the range: it failed a check and will be fetched again. */
  default void invalidate(String objectKey, long offset, int length) {}
}
