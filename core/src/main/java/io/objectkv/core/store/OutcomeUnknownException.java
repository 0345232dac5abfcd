package io.objectkv.core.store;

/**
 * A conditional write that may or may not have taken effect (it timed out, or a retry found the
 * object present). Re-read and compare an id embedded in the content before deciding; never delete
 * after an unknown outcome.
 */
public final class OutcomeUnknownException extends StoreException {
  public OutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
