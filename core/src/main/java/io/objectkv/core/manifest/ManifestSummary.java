package io.objectkv.core.manifest;

/**
 * What every process's status says of the manifest it holds: its version, the applied version and
 * the size of each level. Status records carry it unwrapped, so these are top-level fields of their
 * JSON.
 */
public record ManifestSummary(
    long manifestVersion,
    long appliedVersion,
    int l0Objects,
    long l0Bytes,
    int l1Objects,
    long l1Bytes) {

  public static ManifestSummary of(Manifest m) {
    return new ManifestSummary(
        m.id(), m.appliedVersion(), m.l0().size(), m.l0Bytes(), m.l1().size(), m.l1Bytes());
  }
}
