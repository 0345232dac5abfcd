package io.objectkv.core.store;

/** A failure that sending again will not fix: credentials, a missing bucket, a bad request. */
public final class PermanentStoreException extends StoreException {
  public PermanentStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
