package io.objectkv.e2e;

import io.objectkv.compactor.Compactor;
import io.objectkv.compactor.CompactorConfig;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import io.objectkv.writer.commit.GroupPolicy;
import io.objectkv.writer.decide.Decider;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One database on the shared test servers, with its processes run in this JVM: writers and
 * gateways. Each test class gets a fresh database (its own topics and object prefix).
 */
final class Cluster implements AutoCloseable {
  final TestCluster servers = TestCluster.get();
  final String database;
  final KafkaNames names;
  final ObjectStore store;
  final Map<String, String> env;
  final List<Writer> writers = new ArrayList<>();
  final List<Thread> writerThreads = new ArrayList<>();
  final List<GatewayMain.Gateway> gateways = new ArrayList<>();
  final List<ReaderMain.Reader> readers = new ArrayList<>();
  final List<Compactor> compactors = new ArrayList<>();
  final List<Thread> compactorThreads = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  Cluster(String name) {
    database = servers.uniqueName(name);
    names = new KafkaNames(database);
    store = servers.objectStore(database + "/");
    env = new HashMap<>(servers.environment(database));
    TopicSetup.ensureTopics(servers.bootstrapServers(), names, Optional.empty());
  }

  Settings settings(List<Setting> own, Map<String, String> overrides) {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(overrides);
    return Settings.load(
        "test",
        Stream.concat(CommonSettings.ALL.stream(), own.stream()).toList(),
        new String[0],
        e);
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
        .withGroups(GroupPolicy.DEFAULT.withL0Slowdown(0))
        .withSessionTimeout(Duration.ofSeconds(2))
        .withDecisions(
            new Decider.Bounds(
                d.requestRetention(), d.requestBookBytes(), d.deltaBytes(), COMPACTION_MAX_AGE));
  }

  Writer startWriter(WriterConfig config) {
    Writer w =
        new Writer(
            config,
            store,
            InstantSource.system(),
            new Random(writers.size()),
            new Metrics(),
            new Liveness(InstantSource.system()),
            "w" + writers.size());
    Thread t = Thread.ofPlatform().name("writer-" + writers.size()).start(w);
    writers.add(w);
    writerThreads.add(t);
    return w;
  }

  /** Starts a writer and waits until it is the active one. */
  Writer startActiveWriter() {
    Writer w = startWriter(writerConfig());
    Poll.until(Duration.ofSeconds(60), "writer to become active", () -> w.isActive());
    return w;
  }

  /** A gateway routing reads to every reader started so far. */
  Api startGateway() {
    Map<String, String> o = new HashMap<>();
    o.put(GatewayMain.PORT.name(), "0");
    o.put(GatewayMain.WRITE_TIMEOUT.name(), "20s");
    String scheme = env.containsKey(CommonSettings.TLS_CERT.name()) ? "https" : "http";
    o.put(
        GatewayMain.READERS.name(),
        String.join(",", readers.stream().map(r -> scheme + "://127.0.0.1:" + r.port()).toList()));
    GatewayMain.Gateway g =
        GatewayMain.start(settings(GatewayMain.OWN, o), UUID.randomUUID().toString());
    gateways.add(g);
    return new Api(scheme + "://127.0.0.1:" + g.port());
  }

  /** A reader replica with its own disk cache directory (reuse one to restart it warm). */
  ReaderMain.Reader startReader(java.nio.file.Path cacheDir) {
    Map<String, String> o = new HashMap<>();
    o.put(ReaderMain.PORT.name(), "0");
    o.put(ReaderMain.CACHE_DIR.name(), cacheDir.toString());
    ReaderMain.Reader r = ReaderMain.start(settings(ReaderMain.OWN, o), new Metrics());
    readers.add(r);
    return r;
  }

  static Api api(ReaderMain.Reader r) {
    return new Api("http://127.0.0.1:" + r.port());
  }

  void stopReader(ReaderMain.Reader r) {
    r.close();
    readers.remove(r);
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
    compactorThreads.add(t);
    return c;
  }

  void stopCompactors() throws InterruptedException {
    for (int i = 0; i < compactors.size(); i++) {
      compactors.get(i).close();
      compactorThreads.get(i).join(30_000);
    }
    compactors.clear();
    compactorThreads.clear();
  }

  Inspector inspector() {
    return new Inspector(store, servers.bootstrapServers(), names);
  }

  void stopWriter(Writer w) throws InterruptedException {
    int i = writers.indexOf(w);
    w.close();
    writerThreads.get(i).join(30_000);
  }

  @Override
  public void close() throws Exception {
    for (GatewayMain.Gateway g : gateways) {
      g.close();
    }
    for (ReaderMain.Reader r : readers) {
      r.close();
    }
    for (int i = 0; i < compactors.size(); i++) {
      compactors.get(i).close();
      compactorThreads.get(i).join(30_000);
    }
    for (int i = 0; i < writers.size(); i++) {
      writers.get(i).close();
      writerThreads.get(i).join(30_000);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    store.close();
  }
}
