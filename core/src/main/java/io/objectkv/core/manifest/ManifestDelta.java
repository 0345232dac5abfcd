package io.objectkv.core.manifest;

import java.util.List;

/**
 * A record of the manifest log that changes the manifest: the edits of one group commit (or one
 * compaction), together with the outcomes of the requests that carried ids, so a restarted writer
 * still answers retries.
 *
 * @param id the manifest version this delta produces (previous id + 1)
 * @param writerEpoch the epoch of the writer that wrote it
 * @param appliedVersion the newest log offset reflected once it is applied
 * @param logTimeMillis the log time of that record (see {@link Manifest#logTimeMillis})
 * @param edits changes to the set of objects, applied in order
 * @param requests outcomes of requests with ids, in log order
 */
public record ManifestDelta(
    long id,
    long writerEpoch,
    long appliedVersion,
    long logTimeMillis,
    List<ManifestEdit> edits,
    List<RequestRecord> requests)
    implements ManifestLogRecord {
  public ManifestDelta {
    edits = List.copyOf(edits);
    requests = List.copyOf(requests);
  }
}
