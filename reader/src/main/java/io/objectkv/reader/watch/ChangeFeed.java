package io.objectkv.reader.watch;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.ObjectNotFoundException;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.Footer;
import io.objectkv.format.FormatException;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.WalRecord;
import io.objectkv.format.WalSection;
import io.objectkv.reader.query.KeyRange;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent committed changes, one {@link Event} per batch that wrote something, in version order:
 * what watches stream. It is built from the WAL sections of L0 objects (each committed batch's
 * writes) in the order the manifest log adds them, so it holds exactly what the manifest committed.
 *
 * <p>It holds every event with a version in {@code (floor, end]}, the oldest dropped first beyond
 * its memory bound. It starts from the manifest the reader boots from (history then begins at its
 * oldest L0 object) and reads one object per group commit from then on, watched or not: a watch
 * that moves to this replica when another went away must find the history there. A database nobody
 * writes costs nothing. Gaps are never papered over: when the objects of some versions are gone
 * before they were read (compacted away while the reader rebooted, deleted while it lagged), the
 * history starts again after them, and a watch behind that point is told so ({@link HistoryGone}).
 *
 * <p>The manifest tracker feeds it from its own thread ({@link #followed}); a thread of the feed
 * reads the objects; watches read events under a lock.
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);

  /**
   * The changes of one committed batch, each at {@code version}: its writes in key order and the
   * ranges it deleted.
   */
  public record Event(long version, List<Entry> writes, List<RangeTombstone> deletedRanges) {
    public Event(long version, List<Entry> writes) {
      this(version, writes, List.of());
    }

    long memoryBytes() {
      long b = 64;
      for (Entry e : writes) {
        b += 48 + e.key().length + e.value().length;
      }
      for (RangeTombstone t : deletedRanges) {
        b += 48 + t.start().length + t.end().length;
      }
      return b;
    }

    /** This event with only the changes that meet {@code range}; null when none does. */
    public Event within(KeyRange range) {
      List<Entry> in = new ArrayList<>(writes.size());
      for (Entry e : writes) {
        if (range.contains(e.key())) {
          in.add(e);
        }
      }
      List<RangeTombstone> ranges = new ArrayList<>(deletedRanges.size());
      for (RangeTombstone t : deletedRanges) {
        if (t.overlaps(range.from(), range.to())) {
          ranges.add(t);
        }
      }
      if (in.isEmpty() && ranges.isEmpty()) {
        return null;
      }
      return in.size() == writes.size() && ranges.size() == deletedRanges.size()
          ? this
          : new Event(version, in, ranges);
    }
  }

  /** Events after some version; {@code through} is the version they bring a watch to. */
  public record Page(List<Event> events, long through) {}

  /** The versions a watch asked for are no longer held; it can start at {@code oldest}. */
  public static final class HistoryGone extends Exception {
    private final long oldest;

    HistoryGone(long oldest) {
      super("history before version " + oldest + " is no longer held");
      this.oldest = oldest;
    }

    public long oldest() {
      return oldest;
    }
  }

  /** What the tracker asked the feed to do, in manifest-log order. */
  private sealed interface Step {}

  /** Read the writes of a new L0 object, from {@code object} when the tracker read it (or null). */
  private record Read(SstInfo l0, byte[] object) implements Step {}

  /** Every change up to {@code version} has been read. */
  private record Through(long version) implements Step {}

  /** Continue from a whole manifest (the tracker booted from a snapshot). */
  private record Restart(Manifest manifest) implements Step {}

  /** Steps waiting for the feed's thread, at most (then it starts over from the manifest). */
  private static final int MAX_STEPS = 100_000;

  /**
   * Bytes of objects the tracker read that waiting steps hold, at most (beyond, they read again).
   */
  static final long MAX_HELD_OBJECT_BYTES = 32L << 20;

  private final ObjectStore store;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Step> steps = new ArrayDeque<>();
  private final TreeMap<Long, Event> events = new TreeMap<>();
  private final Thread thread;
  private long bytes;
  private long heldObjectBytes;
  private long floor = -1;
  private long end = -1;
  private boolean started;
  private volatile boolean running = true;

  /**
   * @param maxBytes bound of the events held in memory; the oldest go first
   */
  public ChangeFeed(ObjectStore store, long maxBytes) {
    this.store = store;
    this.maxBytes = maxBytes;
    this.thread = Thread.ofPlatform().name("change-feed").daemon().start(this::run);
  }

  /**
   * The tracker applied {@code deltas} and now follows {@code after}; {@code rebooted} when it
   * started over from a snapshot (deltas before it may have been skipped); {@code read} holds new
   * L0 objects the tracker read whole, by key, so they are not read again. Called on the tracker's
   * thread, after every poll.
   */
  public void followed(
      Manifest after, List<ManifestDelta> deltas, boolean rebooted, Map<String, byte[]> read) {
    lock.lock();
    try {
      boolean farBehind = steps.size() > MAX_STEPS;
      if (farBehind) {
        // A feed this far behind (a store that fails for minutes) starts over from where the
        // tracker is: the restart keeps what still joins up, and says where history begins anew.
        steps.clear();
        heldObjectBytes = 0;
      }
      if (rebooted || farBehind) {
        steps.add(new Restart(after));
      } else {
        for (ManifestDelta d : deltas) {
          for (ManifestEdit e : d.edits()) {
            if (e instanceof ManifestEdit.AddL0 add) {
              byte[] object = read.get(add.sst().key());
              if (object != null && heldObjectBytes + object.length <= MAX_HELD_OBJECT_BYTES) {
                heldObjectBytes += object.length;
              } else {
                object = null;
              }
              steps.add(new Read(add.sst(), object));
            }
          }
          steps.add(new Through(d.appliedVersion()));
        }
      }
      if (!steps.isEmpty()) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits up to {@code timeout} until the feed holds its first manifest's history. */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (!started) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Up to {@code max} events after version {@code after} with a write in {@code range}, through at
   * most version {@code visible} (what the reader serves: a watch shows nothing a read could not).
   * Waits up to {@code wait} for something new when there is nothing yet.
   *
   * @throws HistoryGone when events after {@code after} are no longer held
   */
  public Page read(long after, KeyRange range, int max, long visible, Duration wait)
      throws HistoryGone, InterruptedException {
    if (!running) {
      throw new InterruptedException("the change feed is closed");
    }
    lock.lock();
    try {
      if (started && Math.min(end, visible) <= after && wait.isPositive()) {
        changed.await(wait.toNanos(), TimeUnit.NANOSECONDS);
      }
      if (!started) {
        return new Page(List.of(), after);
      }
      if (after < floor) {
        throw new HistoryGone(floor + 1);
      }
      long limit = Math.min(end, visible);
      if (limit <= after) {
        return new Page(List.of(), after);
      }
      List<Event> page = new ArrayList<>();
      for (Map.Entry<Long, Event> e : events.subMap(after, false, limit, true).entrySet()) {
        Event in = e.getValue().within(range);
        if (in != null) {
          page.add(in);
          if (page.size() == max) {
            return new Page(page, in.version());
          }
        }
      }
      return new Page(page, limit);
    } finally {
      lock.unlock();
    }
  }

  /** The first version a new watch can start at, or -1 until the feed has started. */
  public long oldest() {
    lock.lock();
    try {
      return started ? floor + 1 : -1;
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (running) {
      Step step;
      lock.lock();
      try {
        step = steps.poll();
        if (step == null) {
          changed.await(); // the tracker signals each step; close interrupts
          continue;
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        switch (step) {
          case Read r -> readObject(r.l0(), r.object());
          case Through t -> advance(t.version());
          case Restart r -> restart(r.manifest());
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void restart(Manifest m) throws InterruptedException {
    // Objects of tier merges hold no batches, only the newest value of each key: history can
    // start only after the newest of them.
    int firstGroup = 0;
    for (int i = 0; i < m.l0().size(); i++) {
      if (ObjectNames.isMergedL0(m.l0().get(i).key())) {
        firstGroup = i + 1;
      }
    }
    List<SstInfo> groups = m.l0().subList(firstGroup, m.l0().size());
    long newFloor = groups.isEmpty() ? m.appliedVersion() : groups.getFirst().minVersion() - 1;
    lock.lock();
    try {
      if (started && m.appliedVersion() <= end) {
        return; // nothing after what the feed holds
      }
      // A group's object the feed already read is still there: compactions take the oldest
      // objects or merge runs before the groups kept, so every object after it is there too and
      // nothing was skipped.
      boolean continuous =
          started && (newFloor <= end || groups.stream().anyMatch(s -> s.maxVersion() <= end));
      if (!continuous) {
        if (started) {
          log.warn(
              "change feed: versions {}..{} were compacted before they were read; history now"
                  + " starts after {}",
              end + 1,
              newFloor,
              newFloor);
        }
        events.clear();
        bytes = 0;
        floor = newFloor;
        end = newFloor;
      }
    } finally {
      lock.unlock();
    }
    for (SstInfo l0 : groups) {
      readObject(l0, null);
    }
    advance(m.appliedVersion());
    lock.lock();
    try {
      started = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads the writes of one L0 object, from {@code read} if the tracker read it whole, else from
   * the store (again and again while the store fails).
   */
  private void readObject(SstInfo l0, byte[] read) throws InterruptedException {
    long done;
    lock.lock();
    try {
      done = end;
      if (read != null) {
        heldObjectBytes -= read.length;
      }
    } finally {
      lock.unlock();
    }
    if (l0.maxVersion() <= done) {
      return;
    }
    List<WalRecord> wal = null;
    for (long backoff = 50; running && wal == null; backoff = Math.min(2_000, backoff * 2)) {
      try {
        byte[] object = read != null ? read : store.get(l0.key());
        read = null; // a second attempt reads the store
        // Only the footer: the index and filter are not needed to find the WAL section.
        Footer footer = Footer.decode(l0.key(), object.length, object, object.length);
        wal =
            WalSection.decode(
                l0.key(),
                footer,
                Arrays.copyOfRange(object, (int) footer.wal().offset(), (int) footer.wal().end()));
      } catch (ObjectNotFoundException | FormatException e) {
        // Deleted before it was read (the feed lagged past the GC grace period), or unreadable:
        // its changes cannot be told, so the history starts again after it.
        lock.lock();
        try {
          log.warn("change feed: cannot read {} ({}); history now starts after it", l0.key(), e);
          events.clear();
          bytes = 0;
          floor = Math.max(floor, l0.maxVersion());
          end = Math.max(end, l0.maxVersion());
        } finally {
          lock.unlock();
        }
        return;
      } catch (RuntimeException e) {
        log.warn("change feed: reading {} failed, retrying: {}", l0.key(), e.toString());
        Thread.sleep(backoff);
      }
    }
    if (wal == null) {
      return;
    }
    lock.lock();
    try {
      for (WalRecord r : wal) {
        if ((!r.writes().isEmpty() || !r.rangeDeletes().isEmpty()) && r.version() > end) {
          Event e = new Event(r.version(), r.writes(), r.rangeDeletes());
          events.put(e.version(), e);
          bytes += e.memoryBytes();
        }
      }
      while (bytes > maxBytes && !events.isEmpty()) {
        Event oldest = events.pollFirstEntry().getValue();
        bytes -= oldest.memoryBytes();
        floor = oldest.version();
      }
    } finally {
      lock.unlock();
    }
  }

  private void advance(long version) {
    lock.lock();
    try {
      if (version > end) {
        end = version;
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Events held, for status. */
  public int size() {
    lock.lock();
    try {
      return events.size();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
