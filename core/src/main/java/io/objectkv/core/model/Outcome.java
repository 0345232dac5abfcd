package io.objectkv.core.model;

/** What became of a batch. */
public sealed interface Outcome {
  /** Every operation was applied at {@code version}. */
  record Committed(long version) implements Outcome {}

  /**
   * The condition of operation {@code index} failed; nothing was applied.
   *
   * @param currentVersion the key's version, or -1 when it does not exist
   */
  record ConditionFailed(int index, Key key, Reason reason, long currentVersion)
      implements Outcome {}

  /**
   * The record could not be applied at all (undecodable or over the limits); nothing was applied.
   */
  record Rejected(String message) implements Outcome {}
}
