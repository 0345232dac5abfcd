package io.objectkv.core.store;

import java.util.List;
import java.util.Optional;

/**
 * The narrow interface to object storage. Keys are relative to the database's bucket and prefix.
 * Retrying, metrics, caching and fault injection are each a class that wraps another store.
 *
 * <p>Failures are {@link StoreException}s: {@link ObjectNotFoundException}, {@link
 * TransientStoreException} (worth retrying), {@link OutcomeUnknownException} (a conditional write
 * that may or may not have happened) and {@link PermanentStoreException}.
 */
public interface ObjectStore extends AutoCloseable {

  /** Creates or replaces the object. */
  void put(String key, Content content);

  /**
   * Creates the object only if no object has that key ({@code If-None-Match: *}).
   *
   * @return true if this call created it, false if the key already existed
   * @throws OutcomeUnknownException if the store cannot tell whether this call created it
   */
  boolean putIfAbsent(String key, Content content);

  /** The whole object. */
  byte[] get(String key);

  /** {@code length} bytes from {@code offset}; fewer only if the object ends first. */
  byte[] getRange(String key, long offset, int length);

  Optional<ObjectInfo> head(String key);

  /** Every object whose key starts with {@code prefix}, in key order. */
  List<ObjectInfo> list(String prefix);

  /** Deletes the object; deleting an absent object is not an error. */
  void delete(String key);

  /**
   * Deletes every object of {@code keys}; absent ones are not an error. Stores that can delete many
   * objects in one request (S3's DeleteObjects, up to {@value #DELETE_ALL_MAX} keys) do.
   */
  default void deleteAll(List<String> keys) {
    keys.forEach(this::delete);
  }

  /** The most keys one {@link #deleteAll} request may carry: S3's limit. */
  int DELETE_ALL_MAX = 1000;

  @Override
  default void close() {}
}
