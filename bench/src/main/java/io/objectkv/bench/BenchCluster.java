package io.objectkv.bench;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.config.Stores;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The servers of the test cluster (a real KRaft broker and S3 server on loopback) with one
 * database's processes in this JVM, for load generators.
 */
final class BenchCluster implements AutoCloseable {
  final TestCluster servers = TestCluster.get();
  final String database = servers.uniqueName("bench");
  final KafkaNames names = new KafkaNames(database);
  final Map<String, String> env = new HashMap<>(servers.environment(database));
  final Metrics writerMetrics = new Metrics();
  private final List<AutoCloseable> running = new ArrayList<>();

  BenchCluster() {
    TopicSetup.ensureTopics(servers.bootstrapServers(), names, Optional.empty());
  }

  Settings settings(List<String> own, Map<String, String> overrides) {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(overrides);
    List<Setting> declared =
        Stream.concat(CommonSettings.ALL.stream(), own.stream().map(n -> Setting.of(n, "", "")))
            .toList();
    return Settings.load("bench", declared, new String[0], e);
  }

  ObjectStore store(Metrics metrics) {
    ObjectStore s = Stores.open(settings(List.of(), Map.of()), metrics);
    running.add(s);
    return s;
  }

  Writer startWriter(WriterConfig config) {
    Writer w =
        new Writer(
            config,
            store(writerMetrics),
            InstantSource.system(),
            new SecureRandom(),
            writerMetrics,
            "bench");
    Thread t = Thread.ofPlatform().name("writer").start(w);
    running.add(
        () -> {
          w.close();
          t.join(30_000);
        });
    Poll.until(
        Duration.ofSeconds(60),
        "the writer to become active",
        () -> w.role() == Writer.Role.ACTIVE);
    return w;
  }

  WriterConfig writerConfig() {
    return WriterConfig.defaults(servers.bootstrapServers(), names);
  }

  ReaderMain.Reader startReader(Path cacheDir, Metrics metrics) {
    Map<String, String> o = new HashMap<>();
    o.put("OBJECTKV_READER_PORT", "0");
    o.put("OBJECTKV_READER_CACHE_DIR", cacheDir.toString());
    Map<String, String> e = new HashMap<>(env);
    e.putAll(o);
    ReaderMain.Reader r =
        ReaderMain.start(
            Settings.load("bench", CommonSettings.with(ReaderMain.OWN), new String[0], e), metrics);
    running.add(r);
    return r;
  }

  GatewayMain.Gateway startGateway(List<ReaderMain.Reader> readers) {
    Map<String, String> o = new HashMap<>();
    o.put("OBJECTKV_GATEWAY_PORT", "0");
    o.put("OBJECTKV_GATEWAY_WRITE_TIMEOUT", "30s");
    o.put(
        "OBJECTKV_GATEWAY_READERS",
        String.join(",", readers.stream().map(r -> "http://127.0.0.1:" + r.port()).toList()));
    GatewayMain.Gateway g =
        GatewayMain.start(
            settings(
                Arrays.asList(
                    "OBJECTKV_GATEWAY_PORT",
                    "OBJECTKV_GATEWAY_WRITE_TIMEOUT",
                    "OBJECTKV_GATEWAY_READERS"),
                o),
            UUID.randomUUID().toString());
    running.add(g);
    return g;
  }

  long storeRequests(Metrics metrics, String type) {
    return metrics.counter("objectkv_store_requests_total", "", "type", type).get();
  }

  @Override
  public void close() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
  }
}
