package io.objectkv.core.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A store built in the background: requests wait until it is ready, so a process can start its HTTP
 * server and Kafka clients while the S3 client initialises (about a second of class loading and
 * set-up). A store that could not be built fails every request with the reason.
 */
public final class DeferredObjectStore extends ForwardingStore {
  private final CompletableFuture<ObjectStore> store;

  public DeferredObjectStore(Supplier<ObjectStore> build) {
    super(null);
    this.store =
        CompletableFuture.supplyAsync(
            build, r -> Thread.ofPlatform().name("store-init").daemon().start(r));
  }

  @Override
  protected ObjectStore inner() {
    try {
      return store.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new PermanentStoreException("the object store could not be built: " + e.getCause(), e);
    }
  }
}
