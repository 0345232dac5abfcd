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
      implements Outcome {
    @Override
    public ConditionFailed withoutKey() {
      return new ConditionFailed(index, Key.EMPTY, reason, currentVersion);
    }
  }

  /**
   * The record could not be applied at all (undecodable or over the limits); nothing was applied.
   */
  record Rejected(String message) implements Outcome {}

  /**
   * The batch reached the write log after its deadline: nothing was applied, and nothing is
   * remembered of it, so a retry (with the same request id) is decided afresh. Copies of a request
   * that arrive this late are what the deadline guards against: see docs/design.md, "Request ids".
   */
  record Expired(long deadlineMillis, long arrivedMillis) implements Outcome {}

  /**
   * The writer could not take the batch now (a bound was reached); nothing was applied or
   * remembered: retry later.
   */
  record Busy(String reason) implements Outcome {}

  /**
   * This outcome as remembered for retries or replied to a gateway: a failed condition without its
   * key, which {@link #namedFor} restores from the batch answered; any other outcome as it is.
   */
  default Outcome withoutKey() {
    return this;
  }

  /**
   * This outcome as answered to {@code batch}: a failed condition that was remembered or replied
   * without its key (see {@link ConditionFailed#withoutKey}) names the batch's op at its index.
   */
  default Outcome namedFor(WriteBatch batch) {
    if (this instanceof ConditionFailed f && f.key().bytes().length == 0) {
      Key key =
          f.index() < batch.ops().size() && batch.ops().get(f.index()) instanceof Op.OnKey op
              ? op.key()
              : Key.EMPTY;
      return new ConditionFailed(f.index(), key, f.reason(), f.currentVersion());
    }
    return this;
  }

  /** Whether the batch's writes were applied. */
  default boolean applied() {
    return this instanceof Committed;
  }

  /** Whether a retry with the same request id gets this outcome again (it is remembered). */
  default boolean remembered() {
    return this instanceof Committed || this instanceof ConditionFailed || this instanceof Rejected;
  }
}
