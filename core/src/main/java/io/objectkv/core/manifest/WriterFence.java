package io.objectkv.core.manifest;

/**
 * A writer's claim of the manifest log: the first record it appends, before any delta. It counts
 * only if its epoch is greater than every epoch before it in the log; then every later delta of a
 * smaller epoch is ignored, so a writer that was replaced cannot change the manifest any more.
 *
 * @param epoch the new writer's epoch
 * @param logTimeMillis when it was written (informational)
 */
public record WriterFence(long epoch, long logTimeMillis) implements ManifestLogRecord {}
