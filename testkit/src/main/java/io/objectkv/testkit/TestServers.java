package io.objectkv.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The real servers tests run against, each a child JVM on loopback: a KRaft Kafka broker (from
 * Maven Central jars) and Adobe S3Mock. {@link TestCluster} starts one of each per test JVM; chaos
 * runs start their own, to kill and restart them.
 */
public final class TestServers {
  private TestServers() {}

  private static Properties buildPaths() {
    Properties p = new Properties();
    try (InputStream in = TestServers.class.getResourceAsStream("/objectkv-testkit.properties")) {
      p.load(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException(
          "objectkv-testkit.properties missing: build the testkit module with Maven", e);
    }
    return p;
  }

  private static final Properties PATHS = buildPaths();

  static void checkBuilt() {
    Path s3mockJar = Path.of(PATHS.getProperty("s3mock.jar"));
    String kafkaClasspath = PATHS.getProperty("embeddedKafka.classpath");
    if (!Files.exists(s3mockJar)
        || !Files.isDirectory(Path.of(kafkaClasspath.split(java.io.File.pathSeparator)[0]))) {
      throw new IllegalStateException(
          "test servers are not built ("
              + s3mockJar
              + ", "
              + kafkaClasspath
              + "): run ./mvnw install -DskipTests once");
    }
  }

  /**
   * A KRaft broker (combined controller) listening on {@code port}, its data in {@code dir}: kill
   * it and start it again on the same port and directory to restart the broker.
   */
  public static ServerProcess kafka(Path dir, int port, int controllerPort, Path log) {
    return kafka(dir, port, controllerPort, log, List.of());
  }

  /** As {@link #kafka(Path, int, int, Path)}, with more arguments of {@code EmbeddedKafka}. */
  public static ServerProcess kafka(
      Path dir, int port, int controllerPort, Path log, List<String> moreArgs) {
    checkBuilt();
    String bootstrap = "127.0.0.1:" + port;
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "-Xmx768m",
                "-XX:+UseSerialGC",
                "-cp",
                PATHS.getProperty("embeddedKafka.classpath"),
                "io.objectkv.embeddedkafka.EmbeddedKafka",
                "--dir",
                dir.toString(),
                "--port",
                Integer.toString(port),
                "--controller-port",
                Integer.toString(controllerPort),
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())));
    command.addAll(moreArgs);
    return ServerProcess.start(
        "kafka", command, log, Duration.ofSeconds(90), () -> TestCluster.kafkaReady(bootstrap));
  }

  /** S3Mock on {@code port}, keeping its objects in {@code dir}, with {@code bucket} created. */
  public static ServerProcess s3mock(Path dir, int port, String bucket, Path log) {
    checkBuilt();
    URI endpoint = URI.create("http://127.0.0.1:" + port);
    return ServerProcess.start(
        "s3mock",
        List.of(
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-jar",
            PATHS.getProperty("s3mock.jar"),
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--com.adobe.testing.s3mock.httpPort=" + port,
            "--com.adobe.testing.s3mock.store.root=" + dir,
            "--com.adobe.testing.s3mock.store.initialBuckets=" + bucket,
            "--logging.level.root=WARN",
            "--spring.main.banner-mode=off"),
        log,
        Duration.ofSeconds(90),
        () -> TestCluster.httpReady(endpoint));
  }
}
