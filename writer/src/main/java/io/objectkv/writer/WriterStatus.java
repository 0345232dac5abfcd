package io.objectkv.writer;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.objectkv.core.manifest.ManifestSummary;

/**
 * What {@code GET /v1/status} of a writer says.
 *
 * @param role standby, recovering, active, refused or stopped; for a database other than the
 *     default one also parked (no active writer, its write log fetched) or asleep (parked, its
 *     write log not fetched until a write wakes it)
 * @param problem why it refused to be active (empty otherwise)
 * @param active the active writer's manifest and counters (null unless active)
 */
public record WriterStatus(String process, String role, String problem, Active active) {
  /** The active writer's view. */
  public record Active(
      long epoch,
      @JsonUnwrapped ManifestSummary manifest,
      int openTables,
      int rememberedRequests,
      long snapshotsWritten) {}
}
