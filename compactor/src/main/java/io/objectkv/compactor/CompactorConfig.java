package io.objectkv.compactor;

import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.log.LogCommand;
import io.objectkv.format.SstOptions;
import io.objectkv.kafka.KafkaNames;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How a compactor runs.
 *
 * @param gcGrace an object unreferenced for this long may be deleted
 * @param gcInterval how often garbage is collected
 * @param gcDryRun list what would be deleted, delete nothing
 * @param compactionMaxAge the writer refuses a compaction committed later than this after its
 *     start; GC deletes unfinished outputs only after it (the writers' setting must be the same)
 * @param keepSnapshots the newest snapshots kept whatever their age
 * @param readAhead bytes fetched per ranged GET of an input
 * @param tempDir where output objects are built before upload
 * @param keptOutputBytes local disk for outputs kept after upload, for later merges to read
 * @param parkAfter a database quiet this long, with nothing to compact or collect, parks: its loop
 *     stops until its manifest log moves (null: never; the default database's loop runs always)
 */
public record CompactorConfig(
    String bootstrap,
    KafkaNames names,
    CompactionPolicy policy,
    SstOptions sstOptions,
    Duration gcGrace,
    Duration gcInterval,
    boolean gcDryRun,
    Duration compactionMaxAge,
    int keepSnapshots,
    int readAhead,
    Path tempDir,
    long keptOutputBytes,
    Duration parkAfter) {

  /** Snapshots kept whatever their age: enough for a reader booting while new ones are written. */
  public static final int KEEP_SNAPSHOTS = 3;

  /**
   * Most bytes per ranged GET of an input: few requests. A compaction's inputs share a memory
   * budget, so the window is smaller when they are many (see CompactionMerger). An L1 object (64
   * MiB) is read in two windows after its tail: with 8 MiB windows the reads of L1 were a third of
   * the S3 requests of a steady write load.
   */
  public static final int READ_AHEAD = 32 << 20;

  /** Local disk for kept outputs: L0 (the ratio keeps it a fifth of L1) and some of L1. */
  public static final long KEPT_OUTPUT_BYTES = 1L << 30;

  public static final Duration GC_GRACE = Duration.ofMinutes(10);
  public static final Duration GC_INTERVAL = Duration.ofMinutes(1);

  /** The defaults (the compactor's settings show these). */
  public static CompactorConfig defaults(String bootstrap, KafkaNames names, Path tempDir) {
    return new CompactorConfig(
        bootstrap,
        names,
        CompactionPolicy.DEFAULT,
        SstOptions.DEFAULT,
        GC_GRACE,
        GC_INTERVAL,
        false,
        LogCommand.CompactionCommit.DEFAULT_MAX_AGE,
        KEEP_SNAPSHOTS,
        READ_AHEAD,
        tempDir,
        KEPT_OUTPUT_BYTES,
        null);
  }

  /**
   * The same settings for another database: its names, a temporary directory of its own under this
   * one, and parking after {@code parkAfter} of quiet.
   */
  public CompactorConfig forDatabase(KafkaNames n, String directory, Duration parkAfter) {
    return new CompactorConfig(
        bootstrap,
        n,
        policy,
        sstOptions,
        gcGrace,
        gcInterval,
        gcDryRun,
        compactionMaxAge,
        keepSnapshots,
        readAhead,
        tempDir.resolve("db").resolve(directory),
        keptOutputBytes,
        parkAfter);
  }

  public CompactorConfig with(CompactionPolicy p) {
    return new CompactorConfig(
        bootstrap,
        names,
        p,
        sstOptions,
        gcGrace,
        gcInterval,
        gcDryRun,
        compactionMaxAge,
        keepSnapshots,
        readAhead,
        tempDir,
        keptOutputBytes,
        parkAfter);
  }

  public CompactorConfig withCompactionMaxAge(Duration maxAge) {
    return new CompactorConfig(
        bootstrap,
        names,
        policy,
        sstOptions,
        gcGrace,
        gcInterval,
        gcDryRun,
        maxAge,
        keepSnapshots,
        readAhead,
        tempDir,
        keptOutputBytes,
        parkAfter);
  }

  public CompactorConfig withGc(Duration grace, Duration interval) {
    return new CompactorConfig(
        bootstrap,
        names,
        policy,
        sstOptions,
        grace,
        interval,
        gcDryRun,
        compactionMaxAge,
        keepSnapshots,
        readAhead,
        tempDir,
        keptOutputBytes,
        parkAfter);
  }
}
