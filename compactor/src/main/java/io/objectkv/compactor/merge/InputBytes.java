package io.objectkv.compactor.merge;

import io.objectkv.core.store.ObjectStore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of one compaction input: from the copy this compactor kept while there is one (see
 * {@link KeptOutputs}), else from the store. Counts every byte read, wherever from.
 */
final class InputBytes {
  private final ObjectStore store;
  private final String key;
  private final KeptOutputs kept;
  private final AtomicLong bytesRead;

  InputBytes(ObjectStore store, String key, KeptOutputs kept, AtomicLong bytesRead) {
    this.store = store;
    this.key = key;
    this.kept = kept;
    this.bytesRead = bytesRead;
  }

  String key() {
    return key;
  }

  byte[] whole() {
    return counted(kept.read(key, 0, Integer.MAX_VALUE).orElseGet(() -> store.get(key)));
  }

  /** {@code length} bytes from {@code offset}; fewer only if the object ends first. */
  byte[] range(long offset, int length) {
    return counted(
        kept.read(key, offset, length).orElseGet(() -> store.getRange(key, offset, length)));
  }

  private byte[] counted(byte[] b) {
    bytesRead.addAndGet(b.length);
    return b;
  }
}
