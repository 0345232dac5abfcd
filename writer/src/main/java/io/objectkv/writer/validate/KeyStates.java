package io.objectkv.writer.validate;

import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.read.LsmView;
import java.util.ArrayList;
import java.util.Arrays;
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
   * Records the ranges a batch of a group not committed yet deleted. Pending writes and cached
   * states of their keys (all older) are dropped: the ranges answer for them until their group
   * commits, the view after that. One pass over the cache per batch, each key looked up among the
   * batch's ranges by binary search, however many ranges the batch deletes.
   */
  public void deleteRanges(List<Op.DeleteRange> ranges, long version) {
    if (ranges.isEmpty()) {
      return;
    }
    ranges.forEach(r -> pendingRanges.add(new PendingRange(r, version)));
    Spans spans = Spans.of(ranges);
    pending.keySet().removeIf(k -> spans.contains(k.bytes()));
    var it = recent.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Current> e = it.next();
      if (spans.contains(e.getKey().bytes())) {
        recentBytes -= entryBytes(e.getKey(), e.getValue());
        it.remove();
      }
    }
  }

  /** Ranges merged into sorted, disjoint spans: a key is looked up by binary search. */
  private record Spans(byte[][] starts, byte[][] ends) {
    static Spans of(List<Op.DeleteRange> ranges) {
      List<Op.DeleteRange> sorted = new ArrayList<>(ranges);
      sorted.sort((a, b) -> Arrays.compareUnsigned(a.start(), b.start()));
      List<byte[]> starts = new ArrayList<>();
      List<byte[]> ends = new ArrayList<>();
      for (Op.DeleteRange r : sorted) {
        int last = ends.size() - 1;
        if (last >= 0 && Arrays.compareUnsigned(r.start(), ends.get(last)) <= 0) {
          if (Arrays.compareUnsigned(r.end(), ends.get(last)) > 0) {
            ends.set(last, r.end());
          }
        } else {
          starts.add(r.start());
          ends.add(r.end());
        }
      }
      return new Spans(starts.toArray(byte[][]::new), ends.toArray(byte[][]::new));
    }

    boolean contains(byte[] key) {
      int lo = 0;
      int hi = starts.length - 1;
      int found = -1; // the last span starting at or before the key
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        if (Arrays.compareUnsigned(starts[mid], key) <= 0) {
          found = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      return found >= 0 && Arrays.compareUnsigned(key, ends[found]) < 0;
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
