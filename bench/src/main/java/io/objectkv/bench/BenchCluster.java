package io.objectkv.bench;

import io.objectkv.compactor.CompactorMain;
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
import io.objectkv.runtime.health.Liveness;
import io.objectkv.s3.S3ObjectStore;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
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
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The servers of the test cluster (a real KRaft broker and S3 server on loopback) with one
 * database's processes in this JVM, for load generators.
 */
final class BenchCluster implements AutoCloseable {
  final TestCluster servers = TestCluster.get();
  final String database = servers.uniqueName("bench");
  final String bucket;
  final KafkaNames names = new KafkaNames(database);
  final Map<String, String> env;
  final Metrics writerMetrics = new Metrics();
  private final List<AutoCloseable> running = new ArrayList<>();

  /** A database in the test cluster's shared bucket. */
  BenchCluster() {
    this(TestCluster.BUCKET);
  }

  private BenchCluster(String bucket) {
    this.bucket = bucket;
    this.env = new HashMap<>(servers.environment(database, bucket));
    TopicSetup.ensureTopics(servers.bootstrapServers(), names, Optional.empty());
  }

  /**
   * A database in a bucket of its own, for a measurement that must not depend on what ran before
   * it: S3Mock's PUTs slow down with every object the bucket holds (p50 about 3 ms empty, 5-6.5 ms
   * after some 400 objects, 74 ms after some 7,000).
   */
  static BenchCluster inNewBucket() {
    return new BenchCluster(TestCluster.get().newBucket("bench"));
  }

  /** The S3 store of this cluster's bucket under {@code prefix}, without retries or metrics. */
  S3ObjectStore rawStore(String prefix) {
    return new S3ObjectStore(servers.s3Config(bucket, prefix));
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
            new Liveness(InstantSource.system()),
            "bench");
    Thread t = Thread.ofPlatform().name("writer").start(w);
    running.add(
        () -> {
          w.close();
          t.join(30_000);
        });
    Poll.until(Duration.ofSeconds(60), "the writer to become active", w::isActive);
    return w;
  }

  WriterConfig writerConfig() {
    return WriterConfig.defaults(servers.bootstrapServers(), names);
  }

  ReaderMain.Reader startReader(Path cacheDir, Metrics metrics) {
    Map<String, String> o = new HashMap<>();
    o.put(ReaderMain.PORT.name(), "0");
    o.put(ReaderMain.CACHE_DIR.name(), cacheDir.toString());
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
    o.put(GatewayMain.PORT.name(), "0");
    o.put(GatewayMain.WRITE_TIMEOUT.name(), "30s");
    o.put(
        GatewayMain.READERS.name(),
        String.join(",", readers.stream().map(r -> "http://127.0.0.1:" + r.port()).toList()));
    GatewayMain.Gateway g =
        GatewayMain.start(
            settings(
                Arrays.asList(
                    GatewayMain.PORT.name(),
                    GatewayMain.WRITE_TIMEOUT.name(),
                    GatewayMain.READERS.name()),
                o),
            UUID.randomUUID().toString());
    running.add(g);
    return g;
  }

  /** A compactor process and where its HTTP server listens. */
  record Compactor(ServerProcess process, int port) {
    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }
  }

  /**
   * The deployable compactor in its own JVM, as deployed, with {@code settings} over the database's
   * and its work files and log under {@code temp}; returns once its status answers. It stops with
   * the cluster at the latest.
   */
  Compactor startCompactor(Map<String, String> settings, String heap, Path temp) {
    // bench/run runs from the repository root
    Path jar = Path.of("compactor", "target", "objectkv-compactor.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath() + " is missing: run ./mvnw -pl compactor -am package -DskipTests");
    }
    int port = ServerProcess.freePort();
    Map<String, String> e = new HashMap<>(env);
    e.put(CompactorMain.HTTP_PORT.name(), Integer.toString(port));
    e.put(CompactorMain.TEMP_DIR.name(), temp.toString());
    e.putAll(settings);
    HttpClient http = HttpClient.newHttpClient();
    URI status = URI.create("http://127.0.0.1:" + port + "/v1/status");
    ServerProcess p =
        ServerProcess.start(
            "compactor",
            List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString()),
            e,
            temp.resolve("compactor.log"),
            Duration.ofSeconds(60),
            () -> httpGet(http, status) != null);
    running.add(p);
    return new Compactor(p, port);
  }

  /** The body of a 200 answer, or null for anything else (not up yet, gone, an error). */
  static String httpGet(HttpClient http, URI uri) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
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

  /** The first number after {@code name} in a status or metrics text; -1 when absent. */
  static long number(String text, String name) {
    Matcher m = Pattern.compile(Pattern.quote(name) + "\\s*(\\d+(\\.\\d+)?(E\\d+)?)").matcher(text);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  /** Object-store requests by type (PUT, GET, ...) in a process's metrics text; none that are 0. */
  static Map<String, Long> storeRequests(String metrics) {
    Matcher m =
        Pattern.compile("objectkv_store_requests_total\\{type=\"(\\w+)\"\\} (\\d+)")
            .matcher(metrics);
    Map<String, Long> requests = new TreeMap<>();
    while (m.find()) {
      long n = Long.parseLong(m.group(2));
      if (n > 0) {
        requests.merge(m.group(1), n, Long::sum);
      }
    }
    return requests;
  }
}
