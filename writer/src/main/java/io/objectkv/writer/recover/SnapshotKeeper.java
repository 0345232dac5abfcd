package io.objectkv.writer.recover;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestInvariants;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.store.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints the manifest every N deltas or T seconds, in the background so that group commits do
 * not wait for it. Only committed manifests are snapshotted.
 */
public final class SnapshotKeeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotKeeper.class);

  private final ObjectStore store;
  private final InstantSource clock;
  private final int everyDeltas;
  private final Duration every;
  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          r -> Thread.ofPlatform().name("snapshot").daemon().unstarted(r));
  private long lastId;
  private Instant lastAt;
  private Future<?> inFlight;
  private volatile long written;

  public SnapshotKeeper(
      ObjectStore store,
      InstantSource clock,
      int everyDeltas,
      Duration every,
      long lastSnapshotId) {
    this.store = store;
    this.clock = clock;
    this.everyDeltas = everyDeltas;
    this.every = every;
    this.lastId = lastSnapshotId;
    this.lastAt = clock.instant();
  }

  /** Called after each commit and when idle: snapshots if one is due and none is in flight. */
  public void maybeSnapshot(
      Manifest manifest, long logOffset, Supplier<List<RequestRecord>> ledger) {
    if (manifest.id() <= lastId || (inFlight != null && !inFlight.isDone())) {
      return;
    }
    boolean due =
        manifest.id() - lastId >= everyDeltas || !clock.instant().isBefore(lastAt.plus(every));
    if (!due) {
      return;
    }
    ManifestInvariants.check(manifest);
    ManifestSnapshot snapshot = new ManifestSnapshot(manifest, logOffset, ledger.get());
    lastId = manifest.id();
    lastAt = clock.instant();
    inFlight =
        background.submit(
            () -> {
              try {
                Snapshots.commit(store, snapshot);
                written++;
              } catch (RuntimeException e) {
                log.warn(
                    "snapshot of manifest {} failed (the log still has every delta): {}",
                    manifest.id(),
                    e.toString());
              }
            });
  }

  public long written() {
    return written;
  }

  @Override
  public void close() {
    background.shutdown();
    try {
      background.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
