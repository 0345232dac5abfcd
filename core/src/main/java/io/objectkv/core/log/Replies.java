package io.objectkv.core.log;

import java.util.List;

/**
 * The outcomes of a group's batches, carried by its manifest delta so that a gateway learns them
 * from the record that commits them: no record of its own to produce and fetch after the delta.
 *
 * <p>A gateway answers from them only if the delta {@link #countsAt counts}, which it can tell from
 * the record alone: its writer appends each record right after the last one it knows to be its own
 * (its fence, read back and found current, or its previous delta, found where it was meant to
 * land), and states that offset here. A delta that landed there has nothing between it and a record
 * that counted, so it counts too; one that landed anywhere else may not, and its writer gives up
 * the role (see docs/design.md, "Write path").
 *
 * @param logOffset the manifest-log offset the writer appended the delta for, or -1 (none: the
 *     delta answers nobody)
 */
public record Replies(long logOffset, List<Reply> replies) {
  public static final Replies NONE = new Replies(-1, List.of());

  public Replies {
    replies = List.copyOf(replies);
  }

  /** Whether a delta read at {@code offset} with these replies counts, so they may be answered. */
  public boolean countsAt(long offset) {
    return logOffset >= 0 && logOffset == offset;
  }
}
