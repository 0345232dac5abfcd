package io.objectkv.writer;

import io.objectkv.format.SstOptions;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.writer.commit.GroupPolicy;
import io.objectkv.writer.decide.Decider;
import java.time.Duration;

/**
 * How a writer runs.
 *
 * @param groups how the write log is cut into group commits
 * @param snapshotEveryDeltas write a manifest snapshot after this many deltas...
 * @param snapshotEvery ...or when this much time has passed since the last one
 * @param decisions the decider's bounds: request-id retention and bytes, delta size, compaction age
 * @param keyCacheBytes the cache of recent key states used for condition checks
 * @param blockCacheBytes the cache of decoded data blocks
 * @param sessionTimeout how long a silent active writer keeps its role before a standby takes over
 */
public record WriterConfig(
    String bootstrap,
    KafkaNames names,
    GroupPolicy groups,
    int snapshotEveryDeltas,
    Duration snapshotEvery,
    Decider.Bounds decisions,
    long keyCacheBytes,
    long blockCacheBytes,
    Duration sessionTimeout,
    SstOptions sstOptions) {

  public static final int SNAPSHOT_EVERY_DELTAS = 100;
  public static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(30);
  public static final long KEY_CACHE_BYTES = 64L << 20;
  public static final long BLOCK_CACHE_BYTES = 64L << 20;
  public static final Duration SESSION_TIMEOUT = Duration.ofMillis(1500);

  /** The defaults (the writer's settings show these): for tests and the single-machine cluster. */
  public static WriterConfig defaults(String bootstrap, KafkaNames names) {
    return new WriterConfig(
        bootstrap,
        names,
        GroupPolicy.DEFAULT,
        SNAPSHOT_EVERY_DELTAS,
        SNAPSHOT_EVERY,
        Decider.Bounds.DEFAULT,
        KEY_CACHE_BYTES,
        BLOCK_CACHE_BYTES,
        SESSION_TIMEOUT,
        SstOptions.DEFAULT);
  }

  /** The same settings for another database. */
  public WriterConfig withNames(KafkaNames n) {
    return new WriterConfig(
        bootstrap,
        n,
        groups,
        snapshotEveryDeltas,
        snapshotEvery,
        decisions,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }

  public WriterConfig withSessionTimeout(Duration d) {
    return new WriterConfig(
        bootstrap,
        names,
        groups,
        snapshotEveryDeltas,
        snapshotEvery,
        decisions,
        keyCacheBytes,
        blockCacheBytes,
        d,
        sstOptions);
  }

  public WriterConfig withGroups(GroupPolicy g) {
    return new WriterConfig(
        bootstrap,
        names,
        g,
        snapshotEveryDeltas,
        snapshotEvery,
        decisions,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }

  public WriterConfig withDecisions(Decider.Bounds b) {
    return new WriterConfig(
        bootstrap,
        names,
        groups,
        snapshotEveryDeltas,
        snapshotEvery,
        b,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }

  public WriterConfig withSnapshots(int everyDeltas, Duration every) {
    return new WriterConfig(
        bootstrap,
        names,
        groups,
        everyDeltas,
        every,
        decisions,
        keyCacheBytes,
        blockCacheBytes,
        sessionTimeout,
        sstOptions);
  }
}
