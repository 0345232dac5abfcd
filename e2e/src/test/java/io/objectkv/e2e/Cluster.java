package io.objectkv.e2e;

import io.objectkv.compactor.Compactor;
import io.objectkv.compactor.CompactorConfig;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.harness.InJvmCluster;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import io.objectkv.writer.commit.GroupPolicy;
import io.objectkv.writer.decide.Decider;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One database on the shared test servers with its processes in this JVM ({@link InJvmCluster}),
 * with what tests add: writer and compactor settings that make them quick to observe, compactors
 * whose steps can crash, and an {@link Inspector}. Each test class gets a fresh database.
 */
final class Cluster extends InJvmCluster {
  final ObjectStore store;
  final List<Writer> writers = new ArrayList<>();
  final List<ReaderMain.Reader> readers = new ArrayList<>();

  Cluster(String name) {
    super(name, TestCluster.BUCKET);
    store = servers.objectStore(database + "/");
    stopsWithCluster(store, store);
  }

  /**
   * Compactions older than this (log time) are refused, and their outputs collected: short, so
   * tests see orphans of crashed compactions go. Writers and compactors use the same.
   */
  static final Duration COMPACTION_MAX_AGE = Duration.ofSeconds(5);

  WriterConfig writerConfig() {
    Decider.Bounds d = Decider.Bounds.DEFAULT;
    // Most tests run no compactor, so L0 only grows: the L0 slowdown would hold every group up to
    // a second once it passed 32 objects.
    return WriterConfig.defaults(servers.bootstrapServers(), names)
        .withGroups(GroupPolicy.DEFAULT.withL0Slowdown(0, 0))
        .withSessionTimeout(Duration.ofSeconds(2))
        .withDecisions(
            new Decider.Bounds(
                d.requestRetention(), d.requestBookBytes(), d.deltaBytes(), COMPACTION_MAX_AGE));
  }

  Writer startWriter(WriterConfig config) {
    Writer w =
        startWriter(config, store, new Random(writers.size()), new Metrics(), "w" + writers.size());
    writers.add(w);
    return w;
  }

  /** Starts a writer and waits until it is the active one. */
  Writer startActiveWriter() {
    return awaitActive(startWriter(writerConfig()));
  }

  /** A gateway routing reads to every reader started so far. */
  Api startGateway() {
    GatewayMain.Gateway g = startGateway(readers, Duration.ofSeconds(20));
    return new Api(url(g.port()));
  }

  /** A reader replica with its own disk cache directory (reuse one to restart it warm). */
  ReaderMain.Reader startReader(java.nio.file.Path cacheDir) {
    ReaderMain.Reader r = startReader(cacheDir, new Metrics());
    readers.add(r);
    return r;
  }

  static Api api(ReaderMain.Reader r) {
    return new Api("http://127.0.0.1:" + r.port());
  }

  void stopReader(ReaderMain.Reader r) throws Exception {
    stop(r);
    readers.remove(r);
  }

  /** The end of the committed records of the manifest log. */
  long manifestLogEnd() throws Exception {
    org.apache.kafka.common.TopicPartition p =
        new org.apache.kafka.common.TopicPartition(names.manifest(), 0);
    return servers
        .admin()
        .listOffsets(
            Map.of(p, org.apache.kafka.clients.admin.OffsetSpec.latest()),
            new org.apache.kafka.clients.admin.ListOffsetsOptions(
                org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
        .partitionResult(p)
        .get()
        .offset();
  }

  CompactorConfig compactorConfig(java.nio.file.Path tempDir) {
    return CompactorConfig.defaults(servers.bootstrapServers(), names, tempDir)
        .with(new CompactionPolicy(4, 0, 4, 1L << 30, Duration.ZERO, 0, 1, 64, 4096))
        .withGc(Duration.ofSeconds(2), Duration.ofSeconds(1))
        .withCompactionMaxAge(COMPACTION_MAX_AGE);
  }

  /** A compactor in this JVM; {@code step} may throw to simulate a crash between steps. */
  Compactor startCompactor(CompactorConfig config, CompactionMerger.Step step) {
    Compactor c =
        new Compactor(
            config,
            store,
            servers.admin(),
            InstantSource.system(),
            new Random(),
            new Metrics(),
            new Liveness(InstantSource.system()),
            step);
    Thread t = Thread.ofPlatform().name("compactor").start(c);
    compactors.add(c);
    return stopsWithCluster(
        c,
        () -> {
          c.close();
          t.join(30_000);
        });
  }

  private final List<Compactor> compactors = new ArrayList<>();

  void stopCompactors() throws Exception {
    for (Compactor c : compactors) {
      stop(c);
    }
    compactors.clear();
  }

  Inspector inspector() {
    return new Inspector(store, servers.bootstrapServers(), names);
  }

  void stopWriter(Writer w) throws Exception {
    stop(w);
  }
}
