package io.objectkv.harness;

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
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * One database on the shared test servers (its own topics and object prefix) with its writers,
 * readers and gateways started in this JVM, each from the settings its process reads: what the
 * end-to-end tests and the load generators both run. Everything started stops with the cluster,
 * newest first.
 */
public class InJvmCluster implements AutoCloseable {
  public final TestCluster servers = TestCluster.get();
  public final String database;
  public final KafkaNames names;

  /** The processes' environment; add to it before starting a process (TLS, tokens, tuning). */
  public final Map<String, String> env;

  private final Map<Object, AutoCloseable> stoppers = new IdentityHashMap<>();
  private final List<Object> startOrder = new ArrayList<>();

  /** A database named after {@code name} in {@code bucket}. */
  public InJvmCluster(String name, String bucket) {
    database = servers.uniqueName(name);
    names = new KafkaNames(database);
    env = new HashMap<>(servers.environment(database, bucket));
    TopicSetup.ensureTopics(servers.bootstrapServers(), names, Optional.empty());
  }

  /** The common settings and {@code own}, from the environment with {@code overrides} over it. */
  public Settings settings(List<Setting> own, Map<String, String> overrides) {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(overrides);
    return Settings.load(
        "test",
        Stream.concat(CommonSettings.ALL.stream(), own.stream()).toList(),
        new String[0],
        e);
  }

  /** Stops {@code thing} (closing it with {@code stop}) when the cluster closes, if not before. */
  public <T> T stopsWithCluster(T thing, AutoCloseable stop) {
    stoppers.put(thing, stop);
    startOrder.add(thing);
    return thing;
  }

  /** Stops something this cluster started, now. */
  public void stop(Object started) throws Exception {
    startOrder.remove(started);
    AutoCloseable stop = stoppers.remove(started);
    if (stop != null) {
      stop.close();
    }
  }

  /** A writer on a thread of its own; it may be active or a standby. */
  public Writer startWriter(
      WriterConfig config, ObjectStore store, RandomGenerator random, Metrics metrics, String id) {
    Writer w =
        new Writer(
            config,
            store,
            InstantSource.system(),
            random,
            metrics,
            new Liveness(InstantSource.system()),
            id);
    Thread t = Thread.ofPlatform().name("writer-" + id).start(w);
    return stopsWithCluster(
        w,
        () -> {
          w.close();
          t.join(30_000);
        });
  }

  /** Waits until {@code w} is the active writer. */
  public static Writer awaitActive(Writer w) {
    Poll.until(Duration.ofSeconds(60), "the writer to become active", w::isActive);
    return w;
  }

  /** A reader replica on a free port with its disk cache in {@code cacheDir}. */
  public ReaderMain.Reader startReader(Path cacheDir, Metrics metrics) {
    Map<String, String> o = new HashMap<>();
    o.put(ReaderMain.PORT.name(), "0");
    o.put(ReaderMain.CACHE_DIR.name(), cacheDir.toString());
    ReaderMain.Reader r = ReaderMain.start(settings(ReaderMain.OWN, o), metrics);
    return stopsWithCluster(r, r);
  }

  /** A gateway on a free port routing reads to {@code readers}. */
  public GatewayMain.Gateway startGateway(List<ReaderMain.Reader> readers, Duration writeTimeout) {
    Map<String, String> o = new HashMap<>();
    o.put(GatewayMain.PORT.name(), "0");
    o.put(GatewayMain.WRITE_TIMEOUT.name(), writeTimeout.toSeconds() + "s");
    o.put(
        GatewayMain.READERS.name(),
        String.join(",", readers.stream().map(r -> url(r.port())).toList()));
    GatewayMain.Gateway g =
        GatewayMain.start(settings(GatewayMain.OWN, o), UUID.randomUUID().toString());
    return stopsWithCluster(g, g);
  }

  /** The base URL of a process of this cluster listening on {@code port}. */
  public String url(int port) {
    boolean tls = !env.getOrDefault(CommonSettings.TLS_CERT.name(), "").isEmpty();
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    for (Object started : startOrder.reversed()) {
      stoppers.get(started).close();
    }
    startOrder.clear();
    stoppers.clear();
  }
}
