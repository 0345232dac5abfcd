package io.objectkv.client;

/**
 * A condition did not hold; nothing of the batch was written.
 *
 * @see #reason() one of exists, absent, version_mismatch, value_mismatch
 */
public final class ConditionFailedException extends ObjectKvException {
  private final int index;
  private final String reason;
  private final Long currentVersion;

  ConditionFailedException(
      int status, String message, int index, String reason, Long currentVersion) {
    super(status, "condition_failed", message);
    this.index = index;
    this.reason = reason;
    this.currentVersion = currentVersion;
  }

  /** The index of the failed operation in its batch. */
  public int index() {
    return index;
  }

  public String reason() {
    return reason;
  }

  /** The key's version, or null when it does not exist. */
  public Long currentVersion() {
    return currentVersion;
  }
}
