package io.objectkv.compactor.gc;

import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.store.ObjectInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which objects may be deleted; a pure function, so its rules are tested alone.
 *
 * <ul>
 *   <li>An SST the current manifest references, or a pending (unapplied) compaction names, is never
 *       deleted.
 *   <li>An SST a manifest stopped referencing is deleted once the grace period has passed since
 *       then, so in-flight reads of older views still find it.
 *   <li>An SST no manifest ever referenced (a fenced writer's, a failed compaction's) is deleted
 *       once the grace period has passed since it was written.
 *   <li>The newest {@code keepSnapshots} snapshots are kept; older ones go after the grace period.
 * </ul>
 */
public final class GarbageCollector {
  private GarbageCollector() {}

  /**
   * @param objects every object under the database prefix
   * @param live object keys the current manifest references
   * @param removedAt when each object left the manifest, as far as this process saw it
   * @param unseenRemovalsBefore objects not live and not in {@code removedAt} may have left the
   *     manifest before this process started: treat them as removed at this instant
   * @param pending outputs of compactions submitted but not yet decided by the writer
   */
  public static List<String> deletable(
      List<ObjectInfo> objects,
      Set<String> live,
      Map<String, Instant> removedAt,
      Instant unseenRemovalsBefore,
      Set<String> pending,
      Instant now,
      Duration grace,
      int keepSnapshots) {
    List<String> delete = new ArrayList<>();
    List<ObjectInfo> snapshots = new ArrayList<>();
    for (ObjectInfo o : objects) {
      String key = o.key();
      if (ObjectNames.isSnapshot(key)) {
        snapshots.add(o);
        continue;
      }
      boolean sst = key.startsWith(ObjectNames.L0_PREFIX) || key.startsWith(ObjectNames.L1_PREFIX);
      if (!sst || live.contains(key) || pending.contains(key)) {
        continue;
      }
      Instant gone = removedAt.get(key);
      Instant since = gone != null ? gone : max(o.lastModified(), unseenRemovalsBefore);
      if (since.plus(grace).isBefore(now)) {
        delete.add(key);
      }
    }
    snapshots.sort(Comparator.comparing(ObjectInfo::key).reversed());
    for (int i = keepSnapshots; i < snapshots.size(); i++) {
      if (snapshots.get(i).lastModified().plus(grace).isBefore(now)) {
        delete.add(snapshots.get(i).key());
      }
    }
    return delete;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
