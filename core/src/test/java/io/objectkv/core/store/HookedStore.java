package io.objectkv.core.store;

import java.util.function.Supplier;

/** A store with hooks around each request, named by its type: the base of test fakes. */
public class HookedStore extends ForwardingStore {
  public HookedStore(ObjectStore inner) {
    super(inner);
  }

  protected void before(Op op) {}

  protected void after(Op op) {}

  @Override
  protected <T> T call(Op op, String key, Supplier<T> request) {
    before(op);
    T result = request.get();
    after(op);
    return result;
  }
}
