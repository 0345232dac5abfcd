package io.objectkv.core.store;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store that passes every request to another, each through {@link #call}: the base of the stores
 * that add one behaviour (metering, retries, fault injection, deferred construction).
 */
public abstract class ForwardingStore implements ObjectStore {
  /** Request types, as S3 bills them. */
  public enum Op {
    PUT,
    PUT_IF_ABSENT,
    GET,
    RANGE_GET,
    HEAD,
    LIST,
    DELETE,
    /** One request deleting many objects (S3's DeleteObjects). */
    DELETE_ALL
  }

  private final ObjectStore inner;

  protected ForwardingStore(ObjectStore inner) {
    this.inner = inner;
  }

  /** The store requests go to. */
  protected ObjectStore inner() {
    return inner;
  }

  /** Every request passes here; {@code key} is the object key (a prefix for LIST). */
  protected <T> T call(Op op, String key, Supplier<T> request) {
    return request.get();
  }

  @Override
  public void put(String key, Content content) {
    call(
        Op.PUT,
        key,
        () -> {
          inner().put(key, content);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    return call(Op.PUT_IF_ABSENT, key, () -> inner().putIfAbsent(key, content));
  }

  @Override
  public byte[] get(String key) {
    return call(Op.GET, key, () -> inner().get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return call(Op.RANGE_GET, key, () -> inner().getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return call(Op.HEAD, key, () -> inner().head(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return call(Op.LIST, prefix, () -> inner().list(prefix));
  }

  @Override
  public void delete(String key) {
    call(
        Op.DELETE,
        key,
        () -> {
          inner().delete(key);
          return null;
        });
  }

  /** Forwarded as one request; {@link #call}'s key is the first of them. */
  @Override
  public void deleteAll(List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    call(
        Op.DELETE_ALL,
        keys.getFirst(),
        () -> {
          inner().deleteAll(keys);
          return null;
        });
  }

  @Override
  public void close() {
    inner().close();
  }

  @Override
  public String toString() {
    return inner().toString();
  }
}
