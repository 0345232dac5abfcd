package io.objectkv.writer;

/**
 * What {@code GET /v1/status} of a writer says.
 *
 * @param role standby, recovering, active, refused or stopped
 * @param problem why it refused to be active (empty otherwise)
 * @param active the active writer's manifest and counters (null unless active)
 */
public record WriterStatus(String process, String role, String problem, Active active) {
  /** The active writer's view. */
  public record Active(
      long epoch,
      long manifestVersion,
      long appliedVersion,
      int l0Objects,
      long l0Bytes,
      int l1Objects,
      long l1Bytes,
      int openTables,
      int rememberedRequests,
      long snapshotsWritten) {}
}
