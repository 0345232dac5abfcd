package io.objectkv.core.manifest;

/**
 * The one rule by which every process reads the manifest log: readers, the compactor, a standby and
 * a recovering writer all build the same manifest from the same records.
 *
 * <p>A writer claims the log with a {@link WriterFence} of an epoch greater than any before it, and
 * only then writes deltas of that epoch. A fence of an epoch not greater than the current one lost
 * a race and is ignored; a delta of an epoch smaller than the current one comes from a writer that
 * was replaced and is ignored. Deltas form a chain (each one's id is the previous id + 1), so a
 * skipped or repeated id is corruption. Deltas written before fences existed (format version 2
 * logs, whose writers were fenced by Kafka transactions) raise the epoch themselves.
 */
public final class ManifestLog {
  private ManifestLog() {}

  /**
   * The manifest after {@code record}: {@code current} itself when the record does not count (a
   * delta already in it, or of a replaced writer; a fence that lost).
   *
   * @param where the record's position, for the error message
   * @throws IllegalStateException if a delta skips ids
   */
  public static Manifest follow(Manifest current, ManifestLogRecord record, String where) {
    return switch (record) {
      case WriterFence f ->
          f.epoch() > current.writerEpoch() ? current.withWriterEpoch(f.epoch()) : current;
      case ManifestDelta d -> {
        if (d.writerEpoch() < current.writerEpoch() || d.id() <= current.id()) {
          yield current;
        }
        if (d.id() != current.id() + 1) {
          throw new IllegalStateException(
              "manifest log gap at "
                  + where
                  + ": delta "
                  + d.id()
                  + " after manifest "
                  + current.id());
        }
        yield current.apply(d);
      }
    };
  }
}
