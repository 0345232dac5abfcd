package io.objectkv.core.manifest;

import java.util.List;

/**
 * A checkpoint of the manifest log, stored as {@code manifest/<id>.manifest}.
 *
 * @param manifest the manifest after the delta {@code manifest.id()}
 * @param logOffset the manifest-log offset of that delta (-1 for the empty manifest): followers
 *     resume reading after it
 * @param ledger the request outcomes the writer remembers for retries, oldest first
 */
public record ManifestSnapshot(Manifest manifest, long logOffset, List<RequestRecord> ledger) {
  public ManifestSnapshot {
    ledger = List.copyOf(ledger);
  }

  public static final ManifestSnapshot EMPTY = new ManifestSnapshot(Manifest.EMPTY, -1, List.of());
}
