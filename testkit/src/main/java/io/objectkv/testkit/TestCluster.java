package io.objectkv.testkit;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.RetryPolicy;
import io.objectkv.core.store.RetryingObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.s3.S3Config;
import io.objectkv.s3.S3ObjectStore;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The servers integration tests run against, started once per test JVM and stopped at its exit: a
 * real Kafka broker (KRaft) and a real S3-compatible server. By default both are child JVMs on
 * loopback (no Docker needed): the embedded KRaft broker and Adobe S3Mock. With {@code
 * -Dobjectkv.testcluster=docker} ({@code -Pdocker}) they are Testcontainers Kafka and MinIO, and
 * every test using the cluster is skipped where no Docker engine runs.
 *
 * <p>Tests share the servers and isolate themselves by name: each takes a fresh database name (its
 * own topics) and object prefix from {@link #uniqueName}.
 */
public final class TestCluster {
  public static final String BUCKET = "objectkv";

  private static TestCluster instance;

  private final String bootstrapServers;
  private final URI s3Endpoint;
  private final String accessKey;
  private final String secretKey;
  private final List<AutoCloseable> servers;
  private final Duration startTime;
  private final AtomicInteger names = new AtomicInteger();

  private TestCluster(
      String bootstrapServers,
      URI s3Endpoint,
      String accessKey,
      String secretKey,
      List<AutoCloseable> servers,
      Duration startTime) {
    this.bootstrapServers = bootstrapServers;
    this.s3Endpoint = s3Endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.servers = servers;
    this.startTime = startTime;
  }

  /** The cluster of this JVM, started on first use. */
  public static synchronized TestCluster get() {
    if (instance == null) {
      String mode = System.getProperty("objectkv.testcluster", "embedded");
      long start = System.nanoTime();
      instance =
          switch (mode) {
            case "embedded" -> startEmbedded(start);
            case "docker" -> DockerBackend.start(start);
            default ->
                throw new IllegalArgumentException(
                    "objectkv.testcluster must be embedded or docker, not " + mode);
          };
      System.out.printf(
          "test cluster (%s) started in %d ms: kafka=%s s3=%s%n",
          mode, instance.startTime.toMillis(), instance.bootstrapServers, instance.s3Endpoint);
      Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "stop-test-cluster"));
    }
    return instance;
  }

  private static TestCluster startEmbedded(long start) {
    TestServers.checkBuilt();
    Path dir;
    try {
      dir =
          Files.createDirectories(
                  Path.of(System.getProperty("objectkv.testcluster.dir", "target/test-cluster")))
              .toAbsolutePath();
      dir = Files.createTempDirectory(dir, "run-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path runDir = dir;
    int kafkaPort = ServerProcess.freePort();
    int controllerPort = ServerProcess.freePort();
    String bootstrap = "127.0.0.1:" + kafkaPort;
    CompletableFuture<ServerProcess> kafka =
        CompletableFuture.supplyAsync(
            () ->
                TestServers.kafka(
                    runDir.resolve("kafka"),
                    kafkaPort,
                    controllerPort,
                    runDir.resolve("kafka.log")));
    int s3Port = ServerProcess.freePort();
    URI endpoint = URI.create("http://127.0.0.1:" + s3Port);
    CompletableFuture<ServerProcess> s3 =
        CompletableFuture.supplyAsync(
            () ->
                TestServers.s3mock(
                    runDir.resolve("s3"), s3Port, BUCKET, runDir.resolve("s3mock.log")));
    List<AutoCloseable> servers = new ArrayList<>();
    try {
      servers.add(kafka.join());
      servers.add(s3.join());
      // Stopped in order: the data goes once both servers are down; their logs stay.
      servers.add(
          () -> {
            ScratchDirs.delete(runDir.resolve("kafka"));
            ScratchDirs.delete(runDir.resolve("s3"));
          });
    } catch (RuntimeException e) {
      kafka.thenAccept(ServerProcess::close);
      s3.thenAccept(ServerProcess::close);
      throw e;
    }
    return new TestCluster(
        bootstrap, endpoint, "test", "test", servers, Duration.ofNanos(System.nanoTime() - start));
  }

  public static boolean kafkaReady(String bootstrap) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                2000))) {
      return !admin.describeCluster().nodes().get().isEmpty();
    } catch (Exception e) {
      return false;
    }
  }

  /** One client for every readiness check: each JDK client holds a selector thread. */
  private static final HttpClient READY = HttpClient.newHttpClient();

  /** Whether {@code endpoint} answers 200 now. */
  public static boolean httpReady(URI endpoint) {
    return okBody(endpoint).isPresent();
  }

  /** The body of a 200 answer from {@code uri}; empty for anything else (not up yet, gone, 503). */
  public static java.util.Optional<String> okBody(URI uri) {
    try {
      HttpResponse<String> r =
          READY.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? java.util.Optional.of(r.body()) : java.util.Optional.empty();
    } catch (IOException e) {
      return java.util.Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return java.util.Optional.empty();
    }
  }

  /** Skips the calling test (not fails it) where a backend is unavailable. */
  static void skip(String why) {
    Assumptions.abort(why);
  }

  private void stop() {
    for (AutoCloseable s : servers) {
      try {
        s.close();
      } catch (Exception e) {
        System.err.println("stopping " + s + ": " + e);
      }
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Duration startTime() {
    return startTime;
  }

  public URI s3Endpoint() {
    return s3Endpoint;
  }

  /**
   * A name no other test in this JVM gets: a database name, and the object prefix that goes with
   * it.
   */
  public String uniqueName(String base) {
    return base + "-" + ProcessHandle.current().pid() + "-" + names.incrementAndGet();
  }

  public S3Config s3Config(String prefix) {
    return s3Config(BUCKET, prefix);
  }

  public S3Config s3Config(String bucket, String prefix) {
    return S3Config.compatible(s3Endpoint, bucket, prefix, accessKey, secretKey);
  }

  /**
   * Creates a bucket of its own named after {@code base}. Benchmarks use one per measurement:
   * S3Mock keeps a bucket's object list in one file, so its PUTs slow down with every object the
   * bucket holds.
   */
  public String newBucket(String base) {
    String bucket = uniqueName(base).toLowerCase(Locale.ROOT);
    createBucket(s3Endpoint, accessKey, secretKey, bucket);
    return bucket;
  }

  public static void createBucket(URI endpoint, String accessKey, String secretKey, String bucket) {
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
            .build()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
  }

  /** The raw S3 store for {@code prefix}, without retries (for store tests). */
  public S3ObjectStore rawObjectStore(String prefix) {
    return new S3ObjectStore(s3Config(prefix));
  }

  /** The S3 store for {@code prefix} as processes use it: with retries. */
  public ObjectStore objectStore(String prefix) {
    return new RetryingObjectStore(
        rawObjectStore(prefix), RetryPolicy.DEFAULT, new Random(), RetryPolicy.Sleeper.REAL);
  }

  public Admin admin() {
    return KafkaClients.admin(bootstrapServers);
  }

  /** Creates a topic of one partition named after {@code base}; returns its name. */
  public String newTopic(String base) {
    String topic = uniqueName(base);
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
          .all()
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not create topic " + topic, e.getCause());
    }
    return topic;
  }

  /** What the servers need to be reached, for a child process: env-var style settings. */
  public Map<String, String> environment(String database) {
    return environment(database, BUCKET);
  }

  /** As {@link #environment(String)}, with the database's objects in {@code bucket}. */
  public Map<String, String> environment(String database, String bucket) {
    return Map.of(
        "OBJECTKV_DATABASE", database,
        "OBJECTKV_KAFKA_BOOTSTRAP", bootstrapServers,
        "OBJECTKV_S3_ENDPOINT", s3Endpoint.toString(),
        "OBJECTKV_S3_BUCKET", bucket,
        "OBJECTKV_S3_PREFIX", database + "/",
        "OBJECTKV_S3_ACCESS_KEY", accessKey,
        "OBJECTKV_S3_SECRET_KEY", secretKey);
  }

  static TestCluster of(
      String bootstrap,
      URI s3,
      String accessKey,
      String secretKey,
      List<AutoCloseable> servers,
      long start) {
    return new TestCluster(
        bootstrap, s3, accessKey, secretKey, servers, Duration.ofNanos(System.nanoTime() - start));
  }
}
