package io.objectkv.core.read;

import io.objectkv.core.store.ObjectStore;

/** Ranged GETs straight from the object store. */
public final class StoreRangeFetcher implements RangeFetcher {
  private final ObjectStore store;

  public StoreRangeFetcher(ObjectStore store) {
    this.store = store;
  }

  @Override
  public byte[] fetch(String objectKey, long offset, int length) {
    return store.getRange(objectKey, offset, length);
  }
}
