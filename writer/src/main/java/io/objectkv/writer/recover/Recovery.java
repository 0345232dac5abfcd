package io.objectkv.writer.recover;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.Snapshots;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.writer.decide.RequestBook;
import java.time.Duration;
import java.util.function.Function;

/**
 * Rebuilds the writer's state: the newest snapshot, then every committed delta after it. Called
 * only after the new writer's transactional producer fenced the previous one, so the end of the
 * manifest log cannot move under it.
 */
public final class Recovery {
  private Recovery() {}

  /** The manifest, the manifest-log offset of its newest delta, and the request book. */
  public record State(
      Manifest manifest, long manifestLogOffset, RequestBook book, long snapshotId) {}

  public static State recover(
      ObjectStore store,
      String bootstrap,
      KafkaNames names,
      Function<ManifestSnapshot, RequestBook> books,
      Duration timeout) {
    ManifestSnapshot snapshot = Snapshots.newest(store, ManifestCodec.Ledger.READ);
    RequestBook book = books.apply(snapshot);
    try (ManifestFollower follower =
        ManifestFollower.open(bootstrap, names, names.database() + "-writer-recovery", snapshot)) {
      for (ManifestDelta d : follower.catchUp(timeout)) {
        book.apply(d);
      }
      return new State(follower.manifest(), follower.logOffset(), book, snapshot.manifest().id());
    }
  }
}
