package io.objectkv.core.log;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.WriteBatch;
import java.util.List;

/**
 * A record of the write log ({@code <db>.writes}): everything the writer decides on, in one total
 * order. Its offset is its version.
 */
public sealed interface LogCommand {
  /**
   * A client's batch, published by a gateway.
   *
   * @param replyTo the gateway instance waiting for the outcome
   * @param correlationId the gateway's id for the waiting request
   */
  record ClientBatch(String replyTo, long correlationId, WriteBatch batch) implements LogCommand {}

  /**
   * A finished compaction, published by the compactor. The writer applies it only if every input is
   * still in the manifest; otherwise the outputs are orphans for garbage collection.
   */
  record CompactionCommit(
      String compactionId, List<String> inputsL0, List<String> inputsL1, List<SstInfo> outputs)
      implements LogCommand {
    public CompactionCommit {
      inputsL0 = List.copyOf(inputsL0);
      inputsL1 = List.copyOf(inputsL1);
      outputs = List.copyOf(outputs);
    }
  }
}
