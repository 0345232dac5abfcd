package io.objectkv.core.log;

import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.WriteBatch;
import java.time.Duration;
import java.util.List;

/**
 * A record of the write log ({@code <db>.writes}): everything the writer decides on, in one total
 * order. Its offset is its version; its timestamp (the broker's append time) is the log time the
 * writer decides it at.
 */
public sealed interface LogCommand {
  /** No deadline (records of format version 1). */
  long NO_DEADLINE = 0;

  /**
   * A client's batch, published by a gateway.
   *
   * @param replyTo the gateway instance waiting for the outcome
   * @param correlationId the gateway's id for the waiting request
   * @param deadlineMillis the batch is not applied if it reaches the log later than this (epoch
   *     millis; {@link #NO_DEADLINE} for none): the gateway has stopped waiting by then, and a late
   *     copy must not overtake the client's retry
   */
  record ClientBatch(String replyTo, long correlationId, long deadlineMillis, WriteBatch batch)
      implements LogCommand {}

  /**
   * A compactor begins a compaction. Its log time is the compaction's start: the writer refuses a
   * commit that comes too long after its start, so garbage collection can tell, from log time
   * alone, when the outputs of an unfinished compaction can no longer be committed. A compactor
   * that saw a delta arrive just before takes that delta's log time instead and sends none.
   */
  record CompactionStart(String compactionId) implements LogCommand {}

  /**
   * A finished compaction, published by the compactor. The writer applies it only if every input is
   * still in the manifest and it started recently enough; otherwise the outputs are orphans for
   * garbage collection.
   *
   * @param startedAtMillis its start in log time: of its {@link CompactionStart}, or of the delta
   *     it started after (-1: unknown, never applied)
   * @param into the level of its outputs
   */
  record CompactionCommit(
      String compactionId,
      long startedAtMillis,
      List<String> inputsL0,
      List<String> inputsL1,
      List<SstInfo> outputs,
      ManifestEdit.Level into)
      implements LogCommand {
    /**
     * The default bound between a compaction's start and its commit, in log time: writers refuse
     * older commits, and garbage collection counts on it (writers and compactors must agree).
     */
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(20);

    public CompactionCommit {
      inputsL0 = List.copyOf(inputsL0);
      inputsL1 = List.copyOf(inputsL1);
      outputs = List.copyOf(outputs);
    }

    /** The edit it asks the writer to apply. */
    public ManifestEdit.Compaction edit() {
      return new ManifestEdit.Compaction(inputsL0, inputsL1, outputs, into);
    }
  }
}
