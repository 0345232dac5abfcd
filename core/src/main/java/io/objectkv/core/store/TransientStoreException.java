package io.objectkv.core.store;

/** A failure that may pass if the request is sent again (5xx, throttling, timeouts, I/O). */
public final class TransientStoreException extends StoreException {
  public TransientStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
