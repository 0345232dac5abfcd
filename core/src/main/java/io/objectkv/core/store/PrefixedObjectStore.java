package io.objectkv.core.store;

import java.util.List;
import java.util.Optional;

/**
 * One database's view of a shared store: every key gets the database's prefix, and listings drop
 * it. Closing it leaves the shared store open (the process closes that once).
 */
public final class PrefixedObjectStore implements ObjectStore {
  private final ObjectStore shared;
  private final String prefix;

  public PrefixedObjectStore(ObjectStore shared, String prefix) {
    if (prefix.isEmpty() || !prefix.endsWith("/")) {
      throw new IllegalArgumentException("a database prefix ends with '/': " + prefix);
    }
    this.shared = shared;
    this.prefix = prefix;
  }

  @Override
  public void put(String key, Content content) {
    shared.put(prefix + key, content);
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    return shared.putIfAbsent(prefix + key, content);
  }

  @Override
  public byte[] get(String key) {
    return shared.get(prefix + key);
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return shared.getRange(prefix + key, offset, length);
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return shared.head(prefix + key).map(this::relative);
  }

  @Override
  public List<ObjectInfo> list(String keyPrefix) {
    return shared.list(prefix + keyPrefix).stream().map(this::relative).toList();
  }

  @Override
  public void delete(String key) {
    shared.delete(prefix + key);
  }

  @Override
  public void deleteAll(List<String> keys) {
    shared.deleteAll(keys.stream().map(k -> prefix + k).toList());
  }

  private ObjectInfo relative(ObjectInfo o) {
    return o.key().startsWith(prefix)
        ? new ObjectInfo(o.key().substring(prefix.length()), o.size(), o.lastModified())
        : o;
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return shared + "/" + prefix;
  }
}
