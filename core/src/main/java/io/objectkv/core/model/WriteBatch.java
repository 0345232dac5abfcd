package io.objectkv.core.model;

import java.util.List;

/**
 * An ordered list of operations applied atomically or not at all.
 *
 * @param ops the operations; conditions see the effects of earlier ones
 * @param requestId the client's idempotency id, or null: a retry with the same id gets the first
 *     outcome and is not applied twice
 */
public record WriteBatch(List<Op> ops, String requestId) {
  public WriteBatch {
    ops = List.copyOf(ops);
  }
}
