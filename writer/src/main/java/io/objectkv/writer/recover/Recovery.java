package io.objectkv.writer.recover;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.WriterFence;
import io.objectkv.writer.decide.RequestBook;
import io.objectkv.writer.publish.Publisher;
import java.time.Duration;
import java.time.InstantSource;

/**
 * How a writer becomes the active one: it reads the manifest log to its end, appends a fence of the
 * next epoch, and reads on through its fence. Every delta before the fence is in the state it
 * resumes from; every delta of an earlier writer after it is ignored by everyone (see {@code
 * ManifestLog}). If another writer's fence of this epoch or a later one got in first, this writer
 * lost the race and must not decide anything.
 */
public final class Recovery {
  private Recovery() {}

  /** The manifest, the manifest-log offset of the newest record read, and the request book. */
  public record State(
      Manifest manifest, long manifestLogOffset, RequestBook book, long snapshotId) {}

  /** Another writer claimed the manifest log while this one recovered. */
  public static final class LostClaim extends IllegalStateException {
    LostClaim(String message) {
      super(message);
    }
  }

  /**
   * Claims the manifest log for a writer whose publisher has fenced older, transactional writers.
   *
   * @param state the standby's state (warm, or just loaded from the newest snapshot); closed here
   */
  public static State claim(
      WarmStandby state, Publisher publisher, InstantSource clock, Duration timeout) {
    try (state) {
      long epoch = state.catchUp(timeout).writerEpoch() + 1;
      long fenceOffset = publisher.fence(new WriterFence(epoch, clock.millis()));
      State claimed = state.takeOver(timeout);
      if (state.epochSetAt() != fenceOffset) {
        // Another fence of this epoch came first (this one did not count), or a later one followed.
        throw new LostClaim(
            "another writer claimed the manifest log (epoch "
                + claimed.manifest().writerEpoch()
                + " at offset "
                + state.epochSetAt()
                + ") while this one claimed epoch "
                + epoch
                + " at offset "
                + fenceOffset);
      }
      // Records after the fence that did not count (a replaced writer's last deltas) are behind us.
      publisher.continueAfter(claimed.manifestLogOffset());
      return claimed;
    }
  }
}
