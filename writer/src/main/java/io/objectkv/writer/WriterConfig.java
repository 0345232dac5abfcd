package io.objectkv.writer;

import io.objectkv.format.SstOptions;
import io.objectkv.kafka.KafkaNames;
import java.time.Duration;

/**
 * How a writer runs.
 *
 * @param groupMaxRecords at most this many log records per group commit
 * @param groupMaxBytes at most about this many bytes of records per group commit
 * @param groupMaxDelay longest a group keeps growing after its first record (it grows only while
 *     records keep coming or the committer is busy; zero: one poll is a group)
 * @param groupMinInterval least time between the ends of two groups unless a group is full: caps
 *     the S3 PUTs per second (their cost) at the price of latency under light load
 * @param snapshotEveryDeltas write a manifest snapshot after this many deltas...
 * @param snapshotEvery ...or when this much time has passed since the last one
 * @param ledgerCapacity how many request ids are remembered for retries
 * @param keyCacheBytes the cache of recent key states used for condition checks
 * @param blockCacheBytes the cache of decoded data blocks
 * @param sessionTimeout how long a silent active writer keeps its role before a standby takes over
 */
public record WriterConfig(
    String bootstrap,
    KafkaNames names,
    int groupMaxRecords,
    long groupMaxBytes,
    Duration groupMaxDelay,
    Duration groupMinInterval,
    int snapshotEveryDeltas,
    Duration snapshotEvery,
    int ledgerCapacity,
    long keyCacheBytes,
    long blockCacheBytes,
    Duration sessionTimeout,
    SstOptions sstOptions) {

  /** Defaults for tests and the single-machine cluster. */
  public static WriterConfig defaults(String bootstrap, KafkaNames names) {
    return new WriterConfig(
        bootstrap,
        names,
        1000,
        16L << 20,
        Duration.ofMillis(50),
        Duration.ZERO,
        100,
        Duration.ofSeconds(30),
        100_000,
        64L << 20,
        64L << 20,
        Duration.ofSeconds(6),
        SstOptions.DEFAULT);
  }

  public WriterConfig withSessionTimeout(Duration d) {
    return new WriterConfig(
        bootstrap,
        names,
        groupMaxRecords,
        groupMaxBytes,
        groupMaxDelay,
        groupMinInterval,
        snapshotEveryDeltas,
        snapshotEvery,
        ledgerCapacity,
        keyCacheBytes,
        blockCacheBytes,
        d,
        sstOptions);
  }

  public WriterConfig withGroupTiming(Duration maxDelay, Duration minInterval) {
    return new WriterConfig(
        bootstrap,
        names,
        groupMaxRecords,
        groupMaxBytes,
        maxDelay,
        minInterval,
        snapshotEveryDeltas,
        snapshotEvery,
        ledgerCapacity,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }

  public WriterConfig withSnapshots(int everyDeltas, Duration every) {
    return new WriterConfig(
        bootstrap,
        names,
        groupMaxRecords,
        groupMaxBytes,
        groupMaxDelay,
        groupMinInterval,
        everyDeltas,
        every,
        ledgerCapacity,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }
}
