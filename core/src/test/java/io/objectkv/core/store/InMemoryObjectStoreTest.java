package io.objectkv.core.store;

/** The fake used by unit tests honours the same contract as the real stores. */
class InMemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore store() {
    return new InMemoryObjectStore();
  }
}
