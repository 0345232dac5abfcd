package io.objectkv.core.store;

public final class ObjectNotFoundException extends StoreException {
  public ObjectNotFoundException(String key) {
    super("object not found: key=" + key, null);
  }
}
