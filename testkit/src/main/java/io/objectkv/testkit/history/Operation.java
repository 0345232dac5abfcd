package io.objectkv.testkit.history;

/**
 * One operation of a history.
 *
 * @param invokedNanos when the client sent it
 * @param completedNanos when the client learned its result ({@code Long.MAX_VALUE} when unknown)
 */
public record Operation(
    long id, int client, Call call, Result result, long invokedNanos, long completedNanos) {
  public Operation {
    if (result instanceof Result.Unknown) {
      completedNanos = Long.MAX_VALUE;
    } else if (completedNanos < invokedNanos) {
      throw new IllegalArgumentException("completed before invoked: " + this);
    }
  }
}
