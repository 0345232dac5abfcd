package io.objectkv.core.store;

import java.util.List;
import java.util.Optional;

/** A store that forwards to another, with hooks around each call: the base of test fakes. */
public class ForwardingStore implements ObjectStore {
  private final ObjectStore inner;

  public ForwardingStore(ObjectStore inner) {
    this.inner = inner;
  }

  protected void before(String op) {}

  protected void after(String op) {}

  @Override
  public void put(String key, Content content) {
    before("put");
    inner.put(key, content);
    after("put");
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    before("putIfAbsent");
    boolean r = inner.putIfAbsent(key, content);
    after("putIfAbsent");
    return r;
  }

  @Override
  public byte[] get(String key) {
    before("get");
    byte[] r = inner.get(key);
    after("get");
    return r;
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    before("getRange");
    byte[] r = inner.getRange(key, offset, length);
    after("getRange");
    return r;
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    before("head");
    Optional<ObjectInfo> r = inner.head(key);
    after("head");
    return r;
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    before("list");
    List<ObjectInfo> r = inner.list(prefix);
    after("list");
    return r;
  }

  @Override
  public void delete(String key) {
    before("delete");
    inner.delete(key);
    after("delete");
  }
}
