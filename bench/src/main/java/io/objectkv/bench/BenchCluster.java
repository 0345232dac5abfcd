package io.objectkv.bench;

import io.objectkv.compactor.CompactorMain;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ForwardingStore.Op;
import io.objectkv.core.store.MeteredObjectStore;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.harness.InJvmCluster;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.config.Stores;
import io.objectkv.s3.S3ObjectStore;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One database on the test servers with its processes in this JVM ({@link InJvmCluster}), for load
 * generators: the writer with the deployed defaults and a metered store, the compactor as its
 * deployable jar in a JVM of its own.
 */
final class BenchCluster extends InJvmCluster {
  final String bucket;
  final Metrics writerMetrics = new Metrics();

  /** A database in the test cluster's shared bucket. */
  BenchCluster() {
    this(TestCluster.BUCKET);
  }

  private BenchCluster(String bucket) {
    super("bench", bucket);
    this.bucket = bucket;
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

  /** The database's store as the processes open it (retries, metrics into {@code metrics}). */
  ObjectStore store(Metrics metrics) {
    ObjectStore s = Stores.open(settings(List.of(), Map.of()), metrics);
    return stopsWithCluster(s, s);
  }

  Writer startWriter(WriterConfig config) {
    return awaitActive(
        startWriter(config, store(writerMetrics), new SecureRandom(), writerMetrics, "bench"));
  }

  WriterConfig writerConfig() {
    return WriterConfig.defaults(servers.bootstrapServers(), names);
  }

  GatewayMain.Gateway startGateway(List<ReaderMain.Reader> readers) {
    return startGateway(readers, Duration.ofSeconds(30));
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
    URI status = URI.create("http://127.0.0.1:" + port + "/v1/status");
    ServerProcess p =
        ServerProcess.start(
            "compactor",
            List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-jar", jar.toString()),
            e,
            temp.resolve("compactor.log"),
            Duration.ofSeconds(60),
            () -> TestCluster.httpReady(status));
    stopsWithCluster(p, p);
    return new Compactor(p, port);
  }

  long storeRequests(Metrics metrics, String type) {
    return MeteredObjectStore.requests(metrics).get(Op.valueOf(type.toUpperCase(Locale.ROOT)));
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
