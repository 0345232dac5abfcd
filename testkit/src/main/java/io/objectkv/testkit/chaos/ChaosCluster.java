package io.objectkv.testkit.chaos;

import io.objectkv.cli.ClassArchive;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.testkit.TestCluster;
import io.objectkv.testkit.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A whole ObjectKV cluster as separate OS processes, like {@code ./objectkv local}, for fault runs:
 * its own Kafka broker and S3 server (S3Mock, reached through an {@link S3FaultProxy}), two
 * writers, a compactor, two readers and a gateway, each on a fixed port so it can be killed with
 * SIGKILL and started again. The processes run from this JVM's class path by their main classes.
 */
public final class ChaosCluster implements AutoCloseable {
  /** A process the cluster runs. */
  public record Part(String name, String mainClass, String portVariable, int port) {}

  /**
   * Kafka clients of the processes over TLS with SASL/SCRAM-SHA-256, as a secured deployment runs
   * them: the broker's key and certificate chain, the certificate the clients trust, and the SCRAM
   * user. The processes get the secure listener and a client properties file; the harness itself
   * keeps the broker's plain listener.
   */
  public record SecureKafka(Path keyAndChainPem, Path trustedPem, String user, String password) {}

  private static final String BUCKET = "chaos";

  /**
   * This JVM's class path without its directories: the processes' classes are in the modules' jars,
   * and a class archive cannot be made for a class path holding directories.
   */
  private static final String JARS =
      java.util.Arrays.stream(
              System.getProperty("java.class.path").split(java.io.File.pathSeparator))
          .filter(p -> !Files.isDirectory(Path.of(p)))
          .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Path dir;
  private final Ports ports = new Ports();
  private final int kafkaPort = ports.next();
  private final int controllerPort = ports.next();
  private final int secureKafkaPort = ports.next();
  private final Optional<SecureKafka> secureKafka;
  private final ServerProcess s3mock;
  private final S3FaultProxy proxy;
  private final Map<String, Part> parts = new LinkedHashMap<>();
  private final Map<String, ServerProcess> running = new ConcurrentHashMap<>();
  private final Map<String, String> common = new HashMap<>();
  private final Map<String, Map<String, String>> own = new HashMap<>();
  private volatile ServerProcess kafka;

  /**
   * @param settings extra environment for every process (e.g. shorter GC periods)
   * @param readerCache the cache directory of reader {@code i} (1-based)
   */
  public ChaosCluster(Path dir, long seed, Map<String, String> settings, List<Path> readerCache) {
    this(dir, seed, settings, readerCache, Optional.empty());
  }

  /** As above, with the processes' Kafka clients secured as {@code secureKafka} says. */
  public ChaosCluster(
      Path dir,
      long seed,
      Map<String, String> settings,
      List<Path> readerCache,
      Optional<SecureKafka> secureKafka) {
    this.dir = dir;
    this.secureKafka = secureKafka;
    try {
      Files.createDirectories(dir.resolve("jvm"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int s3Port = ports.next();
    s3mock = TestServers.s3mock(dir.resolve("s3"), s3Port, BUCKET, dir.resolve("logs/s3mock.log"));
    proxy = new S3FaultProxy(URI.create("http://127.0.0.1:" + s3Port), seed);
    kafka = startKafka();
    common.put("OBJECTKV_DATABASE", "chaos");
    common.put("OBJECTKV_KAFKA_BOOTSTRAP", bootstrap());
    secureKafka.ifPresent(
        k -> {
          common.put("OBJECTKV_KAFKA_BOOTSTRAP", "127.0.0.1:" + secureKafkaPort);
          common.put("OBJECTKV_KAFKA_CLIENT_PROPERTIES", clientProperties(k).toString());
        });
    common.put("OBJECTKV_STORE", "s3");
    common.put("OBJECTKV_S3_ENDPOINT", proxy.endpoint().toString());
    common.put("OBJECTKV_S3_BUCKET", BUCKET);
    common.put("OBJECTKV_S3_PREFIX", "chaos/");
    common.put("OBJECTKV_S3_ACCESS_KEY", "test");
    common.put("OBJECTKV_S3_SECRET_KEY", "test");
    common.putAll(settings);
    add(
        new Part(
            "writer-1", "io.objectkv.writer.WriterMain", "OBJECTKV_WRITER_HTTP_PORT", ports.next()),
        Map.of());
    add(
        new Part(
            "writer-2", "io.objectkv.writer.WriterMain", "OBJECTKV_WRITER_HTTP_PORT", ports.next()),
        Map.of());
    add(
        new Part(
            "compactor",
            "io.objectkv.compactor.CompactorMain",
            "OBJECTKV_COMPACTOR_HTTP_PORT",
            ports.next()),
        Map.of("OBJECTKV_COMPACTOR_TEMP_DIR", dir.resolve("compactor-tmp").toString()));
    List<String> readers = new ArrayList<>();
    for (int i = 1; i <= readerCache.size(); i++) {
      Part r =
          new Part(
              "reader-" + i, "io.objectkv.reader.ReaderMain", "OBJECTKV_READER_PORT", ports.next());
      add(r, Map.of("OBJECTKV_READER_CACHE_DIR", readerCache.get(i - 1).toString()));
      readers.add("http://127.0.0.1:" + r.port());
    }
    add(
        new Part(
            "gateway", "io.objectkv.gateway.GatewayMain", "OBJECTKV_GATEWAY_PORT", ports.next()),
        Map.of("OBJECTKV_GATEWAY_READERS", String.join(",", readers)));
    for (String name : parts.keySet()) {
      start(name);
    }
    // Stopped cleanly once, each JVM writes its class archive; every later start, after a kill -9
    // too, maps it instead of loading thousands of classes again.
    parts.keySet().parallelStream().forEach(name -> running.remove(name).close());
    // The store's counts are of the processes that run from now on (what the cost meter sums).
    proxy.resetCounts();
    for (String name : parts.keySet()) {
      start(name);
    }
  }

  private void add(Part p, Map<String, String> env) {
    parts.put(p.name(), p);
    own.put(p.name(), env);
  }

  /** The broker's plain listener, for the harness's own clients. */
  public String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /** The listener the processes use: the secure one when the cluster has {@link SecureKafka}. */
  public String processBootstrap() {
    return common.get("OBJECTKV_KAFKA_BOOTSTRAP");
  }

  public S3FaultProxy s3() {
    return proxy;
  }

  public URI gateway() {
    return uri("gateway");
  }

  public List<URI> readers() {
    return parts.keySet().stream().filter(n -> n.startsWith("reader-")).map(this::uri).toList();
  }

  public URI uri(String part) {
    return URI.create("http://127.0.0.1:" + parts.get(part).port());
  }

  public List<String> parts() {
    return List.copyOf(parts.keySet());
  }

  private ServerProcess startKafka() {
    List<String> secure =
        secureKafka
            .map(
                k ->
                    List.of(
                        "--secure-port",
                        Integer.toString(secureKafkaPort),
                        "--pem",
                        k.keyAndChainPem().toString(),
                        "--scram-user",
                        k.user() + ":" + k.password()))
            .orElse(List.of());
    return TestServers.kafka(
        dir.resolve("kafka"), kafkaPort, controllerPort, dir.resolve("logs/kafka.log"), secure);
  }

  /** The client properties file a secured deployment gives its processes. */
  private Path clientProperties(SecureKafka k) {
    Path file = dir.resolve("kafka-client.properties");
    try {
      Files.write(
          file,
          List.of(
              "security.protocol=SASL_SSL",
              "sasl.mechanism=SCRAM-SHA-256",
              "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                  + " username=\""
                  + k.user()
                  + "\" password=\""
                  + k.password()
                  + "\";",
              "ssl.truststore.type=PEM",
              "ssl.truststore.location=" + k.trustedPem()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /** Starts a part and waits until it answers {@code /health} (a writer: until it has a role). */
  public void start(String name) {
    Part p = parts.get(name);
    Map<String, String> env = new HashMap<>(common);
    env.putAll(own.get(name));
    env.put(p.portVariable(), Integer.toString(p.port()));
    List<String> jvm =
        new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    jvm.addAll(
        ClassArchive.flags(
            dir.resolve("jvm"),
            name,
            java.util.Arrays.stream(JARS.split(java.io.File.pathSeparator))
                .map(Path::of)
                .toList()));
    jvm.addAll(List.of("-cp", JARS, p.mainClass()));
    // Ready when this part answers, not just anything on its port.
    URI health = uri(name).resolve(name.startsWith("writer") ? "/v1/status" : "/health");
    String process =
        switch (p.mainClass().substring(p.mainClass().lastIndexOf('.') + 1)) {
          case "WriterMain" -> "writer";
          case "ReaderMain" -> "reader";
          case "CompactorMain" -> "compactor";
          default -> "api-gateway";
        };
    running.put(
        name,
        ServerProcess.start(
            name,
            jvm,
            env,
            dir.resolve("logs/" + name + ".log"),
            Duration.ofSeconds(90),
            () -> answersAs(health, process)));
  }

  /** Whether {@code uri} answers 200 from the process named {@code process}. */
  static boolean answersAs(URI uri, String process) {
    return TestCluster.okBody(uri)
        .filter(body -> body.contains("\"process\":\"" + process + "\""))
        .isPresent();
  }

  /**
   * Ports for the parts, each distinct and below the kernel's ephemeral range (32768 and up): a
   * port picked there and bound later can meanwhile be taken by any outgoing connection, or handed
   * out twice, and then another process answers in a part's place.
   */
  static final class Ports {
    private final java.util.Set<Integer> taken = new java.util.HashSet<>();
    private final java.util.Random random = new java.util.Random();

    synchronized int next() {
      while (true) {
        int port = 20_000 + random.nextInt(12_000);
        if (taken.add(port) && free(port)) {
          return port;
        }
      }
    }

    private static boolean free(int port) {
      try (java.net.ServerSocket s =
          new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }

  /** Whether a part answers {@code /health} with 200 now. */
  public boolean healthy(String name) {
    return TestCluster.httpReady(uri(name).resolve("/health"));
  }

  /** SIGKILL. */
  public void kill(String name) {
    ServerProcess p = running.remove(name);
    if (p != null) {
      p.kill();
    }
  }

  public void killKafka() {
    kafka.kill();
  }

  public void startKafkaAgain() {
    kafka = startKafka();
  }

  /** The writer that is active now, or null. */
  public String activeWriter() {
    for (String name : parts.keySet()) {
      if (name.startsWith("writer") && running.containsKey(name)) {
        try {
          HttpResponse<String> r =
              HTTP.send(
                  HttpRequest.newBuilder(uri(name).resolve("/v1/status"))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.body().contains("\"role\":\"active\"")) {
            return name;
          }
        } catch (IOException e) {
          // not answering: not the active one as far as we can tell
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    return null;
  }

  /**
   * CPU seconds each running process has used since it started: the parts by name, and {@code
   * kafka} and {@code s3} (the broker and S3Mock).
   */
  public Map<String, Double> cpuSeconds() {
    Map<String, Double> out = new java.util.TreeMap<>();
    running.forEach((name, p) -> out.put(name, cpu(p.pid())));
    out.put("kafka", cpu(kafka.pid()));
    out.put("s3", cpu(s3mock.pid()));
    return out;
  }

  private static double cpu(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(h -> h.info().totalCpuDuration())
        .map(d -> d.toNanos() / 1e9)
        .orElse(0.0);
  }

  /** Resident memory of a running part, in bytes (Linux /proc), or -1. */
  public long residentBytes(String name) {
    ServerProcess p = running.get(name);
    if (p == null) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  public boolean isRunning(String name) {
    ServerProcess p = running.get(name);
    return p != null && p.isAlive();
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  /** Creates the bucket S3Mock serves (for tools that talk to it directly). */
  public void createBucket(String bucket) {
    TestCluster.createBucket(proxy.endpoint(), "test", "test", bucket);
  }

  @Override
  public void close() {
    List<String> names = new ArrayList<>(parts.keySet());
    for (int i = names.size() - 1; i >= 0; i--) {
      ServerProcess p = running.remove(names.get(i));
      if (p != null) {
        p.close();
      }
    }
    kafka.close();
    proxy.close();
    s3mock.close();
  }
}
