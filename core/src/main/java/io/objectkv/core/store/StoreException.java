package io.objectkv.core.store;

/** A failed object-store request; the message names the operation and the object key. */
public abstract sealed class StoreException extends RuntimeException
    permits ObjectNotFoundException,
        TransientStoreException,
        OutcomeUnknownException,
        PermanentStoreException {
  StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
