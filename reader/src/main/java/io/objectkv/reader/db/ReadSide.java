package io.objectkv.reader.db;

import io.objectkv.kafka.CommittedEnd;
import io.objectkv.reader.follow.ManifestTracker;
import io.objectkv.reader.watch.ChangeFeed;

/** What a reader keeps of one open database: its followed manifest, log end and change feed. */
public record ReadSide(ManifestTracker tracker, CommittedEnd committedEnd, ChangeFeed feed)
    implements AutoCloseable {
  @Override
  public void close() {
    feed.close();
    tracker.close();
    committedEnd.close();
  }
}
