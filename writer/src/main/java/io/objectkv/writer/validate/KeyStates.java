package io.objectkv.writer.validate;

import io.objectkv.core.model.Key;
import io.objectkv.core.read.LsmView;
import io.objectkv.format.Entry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's view of every key's current state: writes of groups not yet committed, then a
 * bounded cache of recently read or written keys, then the committed database through the one read
 * path ({@link LsmView}). The writer is the only writer, so the cache is never stale. Pending
 * writes stay out of the bounded cache until their group commits, so eviction can never lose one.
 */
public final class KeyStates implements BatchValidator.StateLookup {
  private final long capacityBytes;
  private final Map<Key, Current> pending = new HashMap<>();
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
      Entry e = view.get(key.bytes());
      c = e == null ? Current.NEVER_WRITTEN : new Current(e.version(), e.value());
      remember(key, c);
    }
    return c;
  }

  /** Records a write of a group that is not committed yet. */
  public void write(Key key, long version, byte[] value) {
    pending.put(key, new Current(version, value));
  }

  /**
   * A group committed and {@code committed} includes it: its writes that no later pending group
   * overwrote move into the cache.
   */
  public void groupCommitted(LsmView committed, Map<Key, Long> writtenVersions) {
    view = committed;
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
