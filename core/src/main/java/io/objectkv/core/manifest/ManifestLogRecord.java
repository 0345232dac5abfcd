package io.objectkv.core.manifest;

/**
 * A record of the manifest log. Which records count is decided by epochs (see {@link ManifestLog}):
 * a writer appends a {@link WriterFence} before its first delta, and from that record on, deltas of
 * earlier writers are ignored by everyone.
 */
public sealed interface ManifestLogRecord permits ManifestDelta, WriterFence {}
