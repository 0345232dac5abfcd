package io.objectkv.reader.follow;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.health.Liveness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the manifest log and publishes a new {@link ReadState} after each delta. Readers wait on
 * it for read-your-writes ({@link #awaitVersion}) and strong reads ({@link #awaitPosition}).
 */
public final class ManifestTracker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManifestTracker.class);

  /**
   * Makes a follower that starts from a snapshot; {@code start} blocks until the snapshot is read,
   * so the follower can connect to the log meanwhile.
   */
  @FunctionalInterface
  public interface Followers {
    ManifestFollower open(Supplier<ManifestSnapshot> start);
  }

  /** Hears every delta the tracker applies, on its thread, in log order. */
  @FunctionalInterface
  public interface Listener {
    /**
     * The tracker applied {@code deltas} and follows {@code after} now; {@code rebooted} when it
     * started over from a snapshot, so deltas before {@code after} may never be heard. {@code read}
     * holds the new L0 objects the tracker read whole, by key.
     */
    void followed(
        Manifest after, List<ManifestDelta> deltas, boolean rebooted, Map<String, byte[]> read);

    Listener NONE = (after, deltas, rebooted, read) -> {};
  }

  private final ObjectStore store;
  private final TableCache tables;
  private final Followers followers;
  private final Liveness.Worker worker;
  private final Listener listener;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private volatile ReadState state;
  private volatile boolean running = true;

  /** Set by the following thread after each poll: the consumer is not thread-safe. */
  private volatile long lagRecords = -1;

  private volatile long caughtUpAt = System.nanoTime();

  /**
   * A tracker that served no read for this long follows the log lazily ({@link #IDLE_POLL_EVERY}).
   * Longer than a watch's wait for its next page, so an open watch keeps it eager.
   */
  static final Duration IDLE_AFTER = Duration.ofSeconds(2);

  /**
   * How often an idle tracker asks the log, at most. Eagerly it asks once per delta, and a busy
   * writer appends a hundred and more a second: each is a fetch for the broker and a wake-up here,
   * CPU that a replica nobody reads from takes from the write path on a shared machine. An idle
   * replica is up to twice this behind; the first read wakes it ({@link #demand}).
   */
  static final Duration IDLE_POLL_EVERY = Duration.ofMillis(100);

  /**
   * The longest a poll waits: a record, or the position passing a marker, ends it at once, so this
   * sets how often an idle tracker wakes (each wake-up cost about 0.25 ms of CPU on a small virtual
   * machine, ten a second at 100 ms) and how stale {@code objectkv_reader_lag_seconds} may read
   * when nothing is written.
   */
  static final Duration POLL = Duration.ofMillis(500);

  private volatile long lastDemand = System.nanoTime();
  private volatile boolean pacing;
  private final ReentrantLock paceLock = new ReentrantLock();
  private final Condition demanded = paceLock.newCondition();
  private ManifestFollower follower;
  private Thread thread;

  public ManifestTracker(
      ObjectStore store,
      TableCache tables,
      Followers followers,
      Metrics metrics,
      Liveness liveness,
      Listener listener) {
    this.store = store;
    this.tables = tables;
    this.followers = followers;
    this.listener = listener;
    // Polls return every 100 ms; a tracker silent for this long cannot follow the log.
    this.worker = liveness.worker("manifest tracker", Duration.ofSeconds(30));
    metrics.gauge(
        "objectkv_reader_applied_version",
        "Newest write-log version this reader reflects.",
        () -> state == null ? -1 : state.appliedVersion());
    metrics.gauge(
        "objectkv_reader_manifest_version",
        "Manifest version this reader serves.",
        () -> state == null ? -1 : state.view().manifest().id());
    metrics.gauge(
        "objectkv_reader_lag_records",
        "Committed manifest-log records not applied yet, as of the last fetch (-1: unknown).",
        () -> lagRecords);
    metrics.gauge(
        "objectkv_reader_lag_seconds",
        "Seconds since this reader last had applied the whole committed manifest log.",
        () -> (System.nanoTime() - caughtUpAt) / 1e9);
  }

  /** Cold boot: the newest snapshot and the log after it, then follows in the background. */
  public void start() {
    boot();
    thread = Thread.ofPlatform().name("manifest-tracker").daemon().start(this::follow);
  }

  /**
   * Builds a new follower from the newest snapshot and switches to it together with the view of its
   * manifest. If anything fails, the old follower and state stay as they were: a position is only
   * ever published with the view built from the same follower's manifest.
   */
  private void boot() {
    long t0 = System.nanoTime();
    // The snapshot comes from the object store while the follower connects to the log.
    CompletableFuture<ManifestSnapshot> newest =
        CompletableFuture.supplyAsync(
            () -> Snapshots.newest(store, ManifestCodec.Ledger.SKIP),
            r -> Thread.ofVirtual().name("snapshot-read").start(r));
    long[] snapshotRead = new long[1];
    ManifestFollower fresh =
        followers.open(
            () -> {
              try {
                ManifestSnapshot s = newest.join();
                snapshotRead[0] = System.nanoTime();
                return s;
              } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
              }
            });
    ManifestSnapshot snapshot = newest.join();
    long t1 = snapshotRead[0];
    try {
      List<ManifestDelta> deltas = fresh.catchUp(Duration.ofSeconds(60));
      long t2 = System.nanoTime();
      LsmView view = LsmView.open(fresh.manifest(), tables);
      long t3 = System.nanoTime();
      log.info(
          "loaded manifest {}: snapshot {} read in {} ms (the log connected meanwhile), {} deltas"
              + " in {} ms, {} objects opened in {} ms",
          fresh.manifest().id(),
          snapshot.manifest().id(),
          (t1 - t0) / 1_000_000,
          deltas.size(),
          (t2 - t1) / 1_000_000,
          view.l0Count() + view.l1Count(),
          (t3 - t2) / 1_000_000);
      ManifestFollower old = follower;
      follower = fresh;
      publish(view, fresh.position());
      listener.followed(fresh.manifest(), deltas, true, Map.of());
      if (old != null) {
        old.close();
      }
    } catch (RuntimeException e) {
      fresh.close();
      throw e;
    }
  }

  private void publish(LsmView view, long position) {
    tables.retainOnly(view.manifest().objectKeys());
    lock.lock();
    try {
      state = new ReadState(view, position);
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
    worker.beat();
  }

  /**
   * A read or watch wants this replica current: the tracker follows eagerly for {@link #IDLE_AFTER}
   * from now, and an idle one waiting for its next poll polls at once.
   */
  public void demand() {
    lastDemand = System.nanoTime();
    if (pacing) {
      paceLock.lock();
      try {
        demanded.signalAll();
      } finally {
        paceLock.unlock();
      }
    }
  }

  /**
   * Waits, while no read wants this replica, until {@link #IDLE_POLL_EVERY} has passed since the
   * poll that started at {@code lastPoll}. ({@code pacing} is set before {@code lastDemand} is read
   * again, and {@link #demand} writes it before it reads {@code pacing}: a demand is never missed.)
   */
  private void pace(long lastPoll) {
    if (System.nanoTime() - lastDemand < IDLE_AFTER.toNanos()) {
      return; // eager: no lock on the way to every poll
    }
    long until = lastPoll + IDLE_POLL_EVERY.toNanos();
    paceLock.lock();
    try {
      pacing = true;
      long left;
      while (running
          && System.nanoTime() - lastDemand >= IDLE_AFTER.toNanos()
          && (left = until - System.nanoTime()) > 0) {
        demanded.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      pacing = false;
      paceLock.unlock();
    }
  }

  private void follow() {
    long lastPoll = System.nanoTime();
    while (running) {
      pace(lastPoll);
      lastPoll = System.nanoTime();
      List<ManifestDelta> deltas;
      try {
        deltas = follower.poll(POLL);
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        return;
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        // The log itself failed us (a gap after a trim, a lost broker): start over from a snapshot.
        log.error(
            "following the manifest log failed; restarting from the newest snapshot: {}",
            e.toString());
        worker.trouble(e.toString());
        Pause.pause(Duration.ofMillis(500));
        try {
          boot();
        } catch (RuntimeException again) {
          log.error("restart failed; will retry: {}", again.toString());
          worker.trouble(again.toString());
        }
        continue;
      }
      Map<String, byte[]> read = readNewL0s(deltas, follower.copies());
      listener.followed(follower.manifest(), deltas, false, read);
      lagRecords = follower.lag();
      if (lagRecords == 0) {
        caughtUpAt = System.nanoTime();
      }
      try {
        ReadState s = state;
        long position = follower.position();
        if (follower.manifest().id() != s.view().manifest().id()) {
          publish(LsmView.open(follower.manifest(), tables), position);
        } else if (position != s.logPosition()) {
          // records that change no object moved the position: a writer's fence, a replaced
          // writer's delta, markers of transactions in logs written before fences
          publish(s.view(), position);
        } else {
          worker.beat();
        }
      } catch (RuntimeException e) {
        // Opening the new manifest's objects failed (the store is failing): the state stays at the
        // old view and old position, and the next round tries again.
        log.warn("cannot open manifest {} yet: {}", follower.manifest().id(), e.toString());
        worker.trouble(e.toString());
        Pause.pause(Duration.ofMillis(500));
      }
    }
  }

  /**
   * A new L0 object this small is read whole, once: its metadata comes from the bytes (instead of
   * range reads of its footer and index through the disk cache) and the change feed takes the bytes
   * too (instead of reading the object again). Groups under light load are a few KiB.
   */
  static final long WHOLE_L0_BYTES = 1 << 20;

  /**
   * New L0 objects read whole per poll, in bytes, at most; the rest (a reader catching up) open the
   * usual way, in parallel. A count of 8 sent a replica that follows every 100 ms under heavy
   * writes (a dozen objects a poll) the usual way every time: a range read of each footer and a
   * disk cache file written for an object the compactor replaces seconds later.
   */
  static final long WHOLE_L0_BYTES_PER_POLL = 8L << 20;

  /**
   * Reads the small new L0 objects of {@code deltas} whole, in parallel, up to {@link
   * #WHOLE_L0_BYTES_PER_POLL}, and registers them in the table cache. An object whose copy came in
   * its delta ({@code copies}) is taken from there, without a GET. One that cannot be read is left
   * to the usual path, which retries.
   */
  private Map<String, byte[]> readNewL0s(List<ManifestDelta> deltas, Map<String, byte[]> copies) {
    List<SstInfo> fresh = new ArrayList<>();
    Map<String, byte[]> read = new ConcurrentHashMap<>();
    long bytes = 0;
    for (ManifestDelta d : deltas) {
      for (ManifestEdit e : d.edits()) {
        if (!(e instanceof ManifestEdit.AddL0 add)) {
          continue;
        }
        byte[] copy = copies.get(add.sst().key());
        if (copy != null && tables.registerCopy(add.sst(), copy)) {
          read.put(add.sst().key(), copy);
        } else if (add.sst().sizeBytes() <= WHOLE_L0_BYTES
            && bytes + add.sst().sizeBytes() <= WHOLE_L0_BYTES_PER_POLL) {
          fresh.add(add.sst());
          bytes += add.sst().sizeBytes();
        }
      }
    }
    if (fresh.isEmpty()) {
      return read;
    }
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (SstInfo info : fresh) {
        pool.execute(
            () -> {
              try {
                byte[] object = store.get(info.key());
                tables.registerFromBytes(info, object);
                read.put(info.key(), object);
              } catch (RuntimeException e) {
                log.debug(
                    "reading {} whole failed; it opens the usual way: {}",
                    info.key(),
                    e.toString());
              }
            });
      }
    }
    return read;
  }

  public ReadState state() {
    return state;
  }

  /** Waits until the state reflects write-log version {@code version} (read your writes). */
  public ReadState awaitVersion(long version, Duration timeout) throws TimeoutException {
    return await(s -> s.appliedVersion() >= version, timeout, "version " + version);
  }

  /** Waits until every manifest delta below {@code logOffset} is applied (strong reads). */
  public ReadState awaitPosition(long logOffset, Duration timeout) throws TimeoutException {
    return await(s -> s.logPosition() >= logOffset, timeout, "manifest log offset " + logOffset);
  }

  private ReadState await(Predicate<ReadState> reached, Duration timeout, String what)
      throws TimeoutException {
    ReadState s = state;
    if (s != null && reached.test(s)) {
      return s;
    }
    demand();
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while ((s = state) == null || !reached.test(s)) {
        if (remaining <= 0) {
          throw new TimeoutException(
              s == null
                  ? "this reader is still loading the manifest"
                  : "this reader has applied version " + s.appliedVersion() + ", not yet " + what);
        }
        remaining = advanced.awaitNanos(remaining);
      }
      return s;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted while waiting for " + what);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    running = false;
    worker.retire();
    if (thread != null) {
      try {
        thread.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (follower != null) {
      follower.close();
    }
  }
}
