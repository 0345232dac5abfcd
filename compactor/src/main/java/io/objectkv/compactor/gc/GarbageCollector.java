package io.objectkv.compactor.gc;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.store.ObjectInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Decides which objects may be deleted; a pure function, so its rules are tested alone. It is safe
 * with any number of compactors running, zombies included, because each rule rests on something no
 * other process can undo:
 *
 * <ul>
 *   <li>An SST the current manifest references is never deleted.
 *   <li>An SST that is not referenced waits out the grace period since it left the manifest (as
 *       this process saw it; since this process started, or since it was written, when it did not
 *       see it leave), so reads of older views still find it.
 *   <li>An unreferenced group commit's L0 object is deleted only if its group's last version (in
 *       its name) is applied: the writer adds L0 objects only for versions after the applied one,
 *       so it can never be referenced again. A newer one may be the active writer's upload in
 *       flight.
 *   <li>An unreferenced compaction output (in L1, or a tier merge's in L0) is deleted only once the
 *       manifest's log time is more than {@code compactionMaxAge} past the compaction's start (in
 *       its name): the writer refuses commits that old, judged on its own log time, which is never
 *       behind the manifest's. A younger one may belong to a merge still running in any compactor.
 *   <li>The newest {@code keepSnapshots} snapshots are kept; older ones go after the grace period.
 * </ul>
 */
public final class GarbageCollector {
  private GarbageCollector() {}

  /** The rules' settings. */
  public record Rules(Duration grace, Duration compactionMaxAge, int keepSnapshots) {}

  /**
   * An object this process saw leave the manifest.
   *
   * @param at when it left
   * @param bytes its size, as the manifest recorded it
   */
  public record Removal(Instant at, long bytes) {}

  /**
   * What one pass sees.
   *
   * @param objects every object under the database prefix, or those of {@link #seenLeaving}
   * @param manifest the current manifest
   * @param removals the objects this process saw leave the manifest
   * @param started when this process started: the earliest removal it could have missed
   */
  public record Pass(
      List<ObjectInfo> objects,
      Manifest manifest,
      Map<String, Removal> removals,
      Instant started,
      Instant now) {}

  /**
   * The objects a pass weighs without a listing: those this process saw leave the manifest. Under a
   * steady write load they are nearly all the garbage, and the store holds a grace period's worth
   * of it: one listing a minute read every one of them (120,000 objects at one client's puts, 15%
   * of the compactor's CPU on a local disk; 120 LIST requests on S3).
   */
  public static List<ObjectInfo> seenLeaving(Map<String, Removal> removals) {
    return removals.entrySet().stream()
        .map(e -> new ObjectInfo(e.getKey(), e.getValue().bytes(), e.getValue().at()))
        .toList();
  }

  public static List<ObjectInfo> deletable(Pass pass, Rules rules) {
    Set<String> live = pass.manifest().objectKeys();
    List<ObjectInfo> delete = new ArrayList<>();
    List<ObjectInfo> snapshots = new ArrayList<>();
    for (ObjectInfo o : pass.objects()) {
      String key = o.key();
      if (ObjectNames.isSnapshot(key)) {
        snapshots.add(o);
      } else if (!live.contains(key)
          && graceOver(o, pass, rules)
          && neverLiveAgain(key, pass, rules)) {
        delete.add(o);
      }
    }
    snapshots.sort(Comparator.comparing(ObjectInfo::key).reversed());
    for (int i = rules.keepSnapshots(); i < snapshots.size(); i++) {
      if (snapshots.get(i).lastModified().plus(rules.grace()).isBefore(pass.now())) {
        delete.add(snapshots.get(i));
      }
    }
    return delete;
  }

  /**
   * Whether no later pass can delete anything while the manifest stays {@code pass}'s: the pass
   * with every grace period over deletes nothing. What is then left unreferenced waits for the
   * manifest to move (a group's version to be applied, the log time to pass a compaction's age), so
   * a database whose manifest does not change need not be listed again.
   */
  public static boolean settled(Pass pass, Rules rules) {
    Instant later = pass.now().plus(rules.grace()).plusSeconds(1);
    Instant sinceStart = pass.started().plus(rules.grace()).plusSeconds(1);
    return deletable(
            new Pass(
                pass.objects(),
                pass.manifest(),
                pass.removals(),
                pass.started(),
                later.isAfter(sinceStart) ? later : sinceStart),
            rules)
        .isEmpty();
  }

  private static boolean graceOver(ObjectInfo o, Pass pass, Rules rules) {
    Removal gone = pass.removals().get(o.key());
    Instant since = gone != null ? gone.at() : max(o.lastModified(), pass.started());
    return since.plus(rules.grace()).isBefore(pass.now());
  }

  private static boolean neverLiveAgain(String key, Pass pass, Rules rules) {
    Manifest m = pass.manifest();
    if (key.startsWith(ObjectNames.L0_PREFIX) && !ObjectNames.isMergedL0(key)) {
      OptionalLong version = ObjectNames.l0Version(key);
      return version.isPresent() && version.getAsLong() <= m.appliedVersion();
    }
    if (key.startsWith(ObjectNames.L0_PREFIX) || key.startsWith(ObjectNames.L1_PREFIX)) {
      OptionalLong started = ObjectNames.compactionStart(key);
      // Outputs named without a start time were made by older compactors, whose commits the writer
      // refuses: they can never become live.
      return started.isEmpty()
          || m.logTimeMillis() - started.getAsLong() > rules.compactionMaxAge().toMillis();
    }
    return false; // not ours: never deleted
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
