package io.objectkv.core.manifest;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectNotFoundException;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.OutcomeUnknownException;
import io.objectkv.format.FormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Manifest snapshots in the object store: finding the newest, and committing a new one. */
public final class Snapshots {
  private Snapshots() {}

  private static final Logger log = LoggerFactory.getLogger(Snapshots.class);

  /** Points {@link ObjectNames#LATEST_SNAPSHOT} at snapshot {@code id} (best effort). */
  private static void point(ObjectStore store, long id) {
    try {
      store.put(
          ObjectNames.LATEST_SNAPSHOT,
          Content.of(Long.toString(id).getBytes(StandardCharsets.US_ASCII)));
    } catch (RuntimeException e) {
      log.warn("could not point manifest/LATEST at snapshot {}: {}", id, e.toString());
    }
  }

  /** Snapshot object keys, oldest first. */
  public static List<String> list(ObjectStore store) {
    return store.list(ObjectNames.SNAPSHOT_PREFIX).stream()
        .map(ObjectInfo::key)
        .filter(ObjectNames::isSnapshot)
        .sorted()
        .toList();
  }

  /**
   * The newest readable snapshot, or the empty manifest when there is none. A damaged newest
   * snapshot is reported and the one before it used: the manifest log replays the difference. Only
   * a writer needs the request ledger; readers skip it.
   */
  public static ManifestSnapshot newest(ObjectStore store, ManifestCodec.Ledger ledger) {
    // The pointer first: a GET instead of a LIST (cheaper, and faster on a large bucket). It may
    // lag behind (an older writer wrote it last) or be gone: then the log replays more, or we list.
    try {
      long id =
          Long.parseLong(
              new String(store.get(ObjectNames.LATEST_SNAPSHOT), StandardCharsets.US_ASCII)
                  .strip());
      String key = ObjectNames.snapshot(id);
      return ManifestCodec.decodeSnapshot(key, store.get(key), ledger);
    } catch (ObjectNotFoundException | NumberFormatException | FormatException e) {
      log.debug("no usable snapshot pointer ({}); listing the snapshots", e.toString());
    }
    List<String> keys = list(store);
    for (int i = keys.size() - 1; i >= 0; i--) {
      String key = keys.get(i);
      try {
        return ManifestCodec.decodeSnapshot(key, store.get(key), ledger);
      } catch (FormatException | ObjectNotFoundException e) {
        log.error("skipping unreadable snapshot {}: {}", key, e.getMessage());
      }
    }
    return ManifestSnapshot.EMPTY;
  }

  /**
   * Writes a snapshot with put-if-absent. Every writer that can write snapshot {@code id} writes
   * the same committed state, so finding it present is success; an unknown outcome is resolved by
   * reading it back.
   *
   * @return true if this call created it
   */
  public static boolean commit(ObjectStore store, ManifestSnapshot snapshot) {
    String key = ObjectNames.snapshot(snapshot.manifest().id());
    byte[] bytes = ManifestCodec.encode(snapshot);
    try {
      boolean created = store.putIfAbsent(key, Content.of(bytes));
      point(store, snapshot.manifest().id());
      return created;
    } catch (OutcomeUnknownException e) {
      byte[] stored = store.get(key);
      if (!Arrays.equals(stored, bytes)) {
        log.warn(
            "snapshot {} exists with other bytes than ours (another writer's, same manifest)", key);
      }
      return false;
    }
  }
}
