package io.objectkv.core.manifest;

/**
 * Where each kind of object lives under the database's prefix (docs/format.md, section 9). Ids are
 * random per writer attempt, so no two writers ever need one name.
 */
public final class ObjectNames {
  private ObjectNames() {}

  public static final String L0_PREFIX = "l0/";
  public static final String L1_PREFIX = "l1/";
  public static final String SNAPSHOT_PREFIX = "manifest/";
  private static final String SNAPSHOT_SUFFIX = ".manifest";

  public static String l0(long maxVersion, String id) {
    return String.format("%s%020d-%s.sst", L0_PREFIX, maxVersion, id);
  }

  public static String l1(String id) {
    return L1_PREFIX + id + ".sst";
  }

  public static String snapshot(long manifestId) {
    return String.format("%s%020d%s", SNAPSHOT_PREFIX, manifestId, SNAPSHOT_SUFFIX);
  }

  public static boolean isSnapshot(String key) {
    return key.startsWith(SNAPSHOT_PREFIX) && key.endsWith(SNAPSHOT_SUFFIX);
  }

  /** The manifest id of a snapshot object key. */
  public static long snapshotId(String key) {
    return Long.parseLong(
        key.substring(SNAPSHOT_PREFIX.length(), key.length() - SNAPSHOT_SUFFIX.length()));
  }
}
