package io.objectkv.writer.validate;

import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.read.LsmView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writer's view of every key's current state: writes of groups not yet committed, then a
 * bounded cache of recently read or written keys, then the committed database through the one read
 * path ({@link LsmView}). The writer is the only writer, so the cache is never stale. Pending
 * writes stay out of the bounded cache until their group commits, so eviction can never lose one.
 * Ranges deleted by groups not yet committed apply over all three, by version.
 */
public final class KeyStates implements BatchValidator.StateLookup {
  private final long capacityBytes;

  private record PendingRange(Op.DeleteRange range, long version) {}

  private final Map<Key, Current> pending = new HashMap<>();
  private final List<PendingRange> pendingRanges = new ArrayList<>();
  private final LinkedHashMap<Key, Current> recent = new LinkedHashMap<>(1024, 0.75f, true);
  private long recentBytes;
  private LsmView view;
  private long viewReads;

  public KeyStates(LsmView view, long capacityBytes) {
    this.view = view;
    this.capacityBytes = capacityBytes;
  }

  @Override
  public Current current(Key key) {
    Current c = pending.get(key);
    if (c == null) {
      c = recent.get(key);
    }
    if (c == null) {
      viewReads++;
      // The view may not have the pending ranges yet; the cache must hold the state after them.
      c = afterPendingRanges(key, Current.of(view.get(key.bytes())));
      remember(key, c);
      return c;
    }
    return afterPendingRanges(key, c);
  }

  private Current afterPendingRanges(Key key, Current c) {
    for (PendingRange r : pendingRanges) {
      if (r.version > c.version() && r.range.contains(key.bytes())) {
        c = new Current(r.version, new byte[0]);
      }
    }
    return c;
  }

  /** Records a write of a group that is not committed yet. */
  public void write(Key key, long version, byte[] value, long expiresAtMillis) {
    pending.put(key, new Current(version, value, expiresAtMillis));
  }

  /**
   * Records a range deleted by a group that is not committed yet. Pending writes and cached states
   * of its keys (all older) are dropped: the range answers for them until its group commits, the
   * view after that.
   */
  public void deleteRange(Op.DeleteRange range, long version) {
    pendingRanges.add(new PendingRange(range, version));
    pending.keySet().removeIf(k -> range.contains(k.bytes()));
    var it = recent.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Current> e = it.next();
      if (range.contains(e.getKey().bytes())) {
        recentBytes -= entryBytes(e.getKey(), e.getValue());
        it.remove();
      }
    }
  }

  /**
   * A group committed and {@code committed} includes it: its writes that no later pending group
   * overwrote move into the cache.
   */
  public void groupCommitted(LsmView committed, Map<Key, Long> writtenVersions) {
    view = committed;
    long through = committed.manifest().appliedVersion();
    pendingRanges.removeIf(r -> r.version <= through);
    writtenVersions.forEach(
        (key, version) -> {
          Current c = pending.get(key);
          if (c != null && c.version() == version) {
            pending.remove(key);
            remember(key, c);
          }
        });
  }

  private void remember(Key key, Current c) {
    Current old = recent.put(key, c);
    recentBytes += entryBytes(key, c) - (old == null ? 0 : entryBytes(key, old));
    var it = recent.entrySet().iterator();
    while (recentBytes > capacityBytes && it.hasNext()) {
      Map.Entry<Key, Current> eldest = it.next();
      recentBytes -= entryBytes(eldest.getKey(), eldest.getValue());
      it.remove();
    }
  }

  private static long entryBytes(Key key, Current c) {
    return 64L + key.bytes().length + c.memoryBytes();
  }

  /** Lookups that went to the committed objects (cache misses). */
  public long viewReads() {
    return viewReads;
  }

  public int pendingKeys() {
    return pending.size();
  }
}
