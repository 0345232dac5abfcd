package io.objectkv.writer.recover;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.read.LsmView;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.writer.decide.RequestBook;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a standby writer keeps while it waits: the manifest and request book as the committed
 * manifest log has them, and the metadata of their objects. Taking over then costs the last few
 * deltas, not a snapshot load, a replay and opening every object, and the state is the one a cold
 * recovery would build (the same snapshot, the same deltas applied the same way).
 */
public final class WarmStandby implements AutoCloseable {
  private final ManifestFollower follower;
  private final RequestBook book;
  private final TableCache tables;
  private final long snapshotId;
  private boolean closed;

  private WarmStandby(
      ManifestFollower follower, RequestBook book, TableCache tables, long snapshotId) {
    this.follower = follower;
    this.book = book;
    this.tables = tables;
    this.snapshotId = snapshotId;
  }

  /**
   * How long its fetches wait at the broker. A take-over reads through its own fence with this
   * follower, and with the idle followers' 500 ms the claim took 520-730 ms in chaos runs (a fetch
   * already waiting at the broker was not answered at once); 50 ms: 200-310 ms.
   */
  private static final Duration CLAIM_FETCH_WAIT = Duration.ofMillis(50);

  /** Loads the newest snapshot and follows the manifest log from it. */
  public static WarmStandby start(
      ObjectStore store,
      String bootstrap,
      KafkaNames names,
      Function<ManifestSnapshot, RequestBook> books,
      TableCache tables) {
    ManifestSnapshot snapshot = Snapshots.newest(store, ManifestCodec.Ledger.READ);
    ManifestFollower follower =
        ManifestFollower.open(
            bootstrap, names, names.database() + "-writer-standby", snapshot, CLAIM_FETCH_WAIT);
    return new WarmStandby(follower, books.apply(snapshot), tables, snapshot.manifest().id());
  }

  /** Applies the deltas that arrive within {@code timeout}, and opens their new objects. */
  public void follow(Duration timeout) {
    apply(follower.poll(timeout));
  }

  private void apply(List<ManifestDelta> deltas) {
    boolean compacted = false;
    Map<String, byte[]> copies = follower.copies();
    for (ManifestDelta d : deltas) {
      book.apply(d);
      for (ManifestEdit e : d.edits()) {
        compacted |= e instanceof ManifestEdit.Compaction;
        // an object that came with its delta opens from the copy, without a GET
        if (e instanceof ManifestEdit.AddL0 add && copies.containsKey(add.sst().key())) {
          tables.registerCopy(add.sst(), copies.get(add.sst().key()));
        }
      }
    }
    if (!deltas.isEmpty()) {
      if (compacted) {
        tables.retainOnly(follower.manifest().objectKeys());
      }
      LsmView.open(follower.manifest(), tables); // metadata of new objects, read now
    }
  }

  /** Applies every delta committed up to now; returns the manifest. */
  public Manifest catchUp(Duration timeout) {
    apply(follower.catchUp(timeout));
    return follower.manifest();
  }

  /**
   * Called once this writer's fence is in the log: catching up to the log's end now gives the state
   * to resume from (see {@link Recovery#claim}).
   */
  public Recovery.State takeOver(Duration timeout) {
    catchUp(timeout);
    return new Recovery.State(follower.manifest(), follower.logOffset(), book, snapshotId);
  }

  /** The offset of the record that set the current writer epoch (see {@link ManifestFollower}). */
  public long epochSetAt() {
    return follower.epochSetAt();
  }

  public TableCache tables() {
    return tables;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      follower.close();
    }
  }
}
