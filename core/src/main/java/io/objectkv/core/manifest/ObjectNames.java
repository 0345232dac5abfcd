package io.objectkv.core.manifest;

import java.util.OptionalLong;

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

  /**
   * Output {@code n} of a compaction: {@code l1/t<startedAtMillis>-<compactionId>-<n>.sst}, or
   * under {@code l0/} for a compaction into L0. The start's log time in the name lets garbage
   * collection tell when the writer can no longer accept the compaction, without reading the write
   * log.
   */
  public static String compactionOutput(
      ManifestEdit.Level into, long startedAtMillis, String compactionId, int n) {
    String prefix =
        switch (into) {
          case L0 -> L0_PREFIX;
          case L1 -> L1_PREFIX;
        };
    return prefix + "t" + startedAtMillis + "-" + compactionId + "-" + n + ".sst";
  }

  /**
   * The start time in a compaction output's name; empty for other names (group commits' L0 objects,
   * outputs of older versions).
   */
  public static OptionalLong compactionStart(String key) {
    String prefix =
        key.startsWith(L0_PREFIX + "t")
            ? L0_PREFIX
            : key.startsWith(L1_PREFIX + "t") ? L1_PREFIX : null;
    if (prefix == null) {
      return OptionalLong.empty();
    }
    int from = prefix.length() + 1;
    int dash = key.indexOf('-', from);
    try {
      return dash < 0
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(key.substring(from, dash)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * Whether an L0 object was made by a compaction (a tier merge): it holds the newest version of
   * each key of its inputs and no WAL section, so the batches behind it cannot be told apart.
   */
  public static boolean isMergedL0(String key) {
    return key.startsWith(L0_PREFIX) && compactionStart(key).isPresent();
  }

  /** The group's last version in an L0 object's name, if it has the expected form. */
  public static OptionalLong l0Version(String key) {
    if (!key.startsWith(L0_PREFIX) || key.length() < L0_PREFIX.length() + 20) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(
          Long.parseLong(key.substring(L0_PREFIX.length(), L0_PREFIX.length() + 20)));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  public static String snapshot(long manifestId) {
    return String.format("%s%020d%s", SNAPSHOT_PREFIX, manifestId, SNAPSHOT_SUFFIX);
  }

  /**
   * The pointer to the newest snapshot ({@code manifest/LATEST}: its id as decimal text), so a cold
   * process finds it with a GET instead of a LIST. Not a snapshot itself.
   */
  public static final String LATEST_SNAPSHOT = SNAPSHOT_PREFIX + "LATEST";

  public static boolean isSnapshot(String key) {
    return key.startsWith(SNAPSHOT_PREFIX) && key.endsWith(SNAPSHOT_SUFFIX);
  }

  /** The manifest id of a snapshot object key. */
  public static long snapshotId(String key) {
    return Long.parseLong(
        key.substring(SNAPSHOT_PREFIX.length(), key.length() - SNAPSHOT_SUFFIX.length()));
  }
}
