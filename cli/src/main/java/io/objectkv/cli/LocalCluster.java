package io.objectkv.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code objectkv local}: a complete cluster on this machine, each part its own OS process: an
 * embedded Kafka broker (KRaft), writers (one by default; the others stand by), one compactor,
 * readers (two by default; the gateway finds them as they announce themselves) and the gateway,
 * over the local file system (or S3 with {@code --s3-endpoint}). Data lives under {@code
 * --data-dir} and survives a stop and restart. Ctrl-C stops everything, newest first.
 */
final class LocalCluster {
  private LocalCluster() {}

  static final List<String> OPTIONS =
      List.of(
          "home",
          "data-dir",
          "readers",
          "writers",
          "port-offset",
          "database",
          "rebuild",
          "s3-endpoint",
          "s3-bucket",
          "s3-prefix",
          "s3-access-key",
          "s3-secret-key");

  static final String USAGE_TEXT =
      """
      usage: objectkv local [options]

      A complete cluster on this machine, each part its own process: a Kafka broker, writers, a
      compactor, readers and the gateway on http://127.0.0.1:8080. Ctrl-C stops it; the data stays.

        --data-dir DIR                where data, logs and class archives go (default: ./data)
        --readers N                   reader replicas, 1-9 (default: 2)
        --writers N                   writers, 1-8 (default: 1; one is active per database)
        --port-offset N               move every port by N (to run two clusters side by side)
        --database NAME               the deployment's name: its topics' prefix (default: objectkv)
        --s3-endpoint URL             objects in S3 or MinIO at URL instead of DIR/objects, with
          --s3-bucket B --s3-prefix P   (default bucket: objectkv)
          --s3-access-key K --s3-secret-key S
                                      (default: $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY)
        --rebuild                     build the jars again first
        --home DIR                    the checkout to run (default: .)
      """;

  /** A running part, and how to start it again. */
  private record Part(
      String name,
      Process process,
      Path log,
      List<String> command,
      Map<String, String> env,
      BooleanSupplier ready,
      long startedNanos) {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** The most readers and writers: their ports lie between the gateway's and Kafka's. */
  static final int MAX_READERS = 9;

  static final int MAX_WRITERS = 8;

  /** The ports of one local cluster: the defaults plus an offset. */
  private record Ports(int offset, int readers, int writers) {
    int gateway() {
      return 8080 + offset;
    }

    /** 8081 to 8089. */
    int reader(int n) {
      return 8080 + n + offset;
    }

    /** 8090, then 8092 to 8098 (8091 is the compactor's). */
    int writer(int n) {
      return (n == 1 ? 8090 : 8090 + n) + offset;
    }

    int compactor() {
      return 8091 + offset;
    }

    int kafka() {
      return 9092 + offset;
    }

    List<Integer> all() {
      List<Integer> all = new java.util.ArrayList<>(List.of(gateway(), compactor()));
      for (int n = 1; n <= readers; n++) {
        all.add(reader(n));
      }
      for (int n = 1; n <= writers; n++) {
        all.add(writer(n));
      }
      all.addAll(List.of(kafka(), kafka() + 1));
      return all;
    }
  }

  private static int whole(Main.Args a, String option, int fallback) {
    String v = a.get(option, Integer.toString(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new Main.UsageException("--" + option + " takes a whole number, not '" + v + "'");
    }
  }

  static int run(Main.Args a, PrintStream out, PrintStream err) throws IOException {
    Path home = Path.of(a.get("home", ".")).toAbsolutePath().normalize();
    Path data = Path.of(a.get("data-dir", "data")).toAbsolutePath().normalize();
    int readers = whole(a, "readers", 2);
    int writers = whole(a, "writers", 1);
    if (readers < 1 || readers > MAX_READERS || writers < 1 || writers > MAX_WRITERS) {
      err.println(
          "objectkv local: --readers must be 1.."
              + MAX_READERS
              + " and --writers 1.."
              + MAX_WRITERS
              + " (their ports lie between the gateway's 8080 and Kafka's 9092)");
      return Main.USAGE;
    }
    Ports ports = new Ports(whole(a, "port-offset", 0), readers, writers);
    Path logs = Files.createDirectories(data.resolve("logs"));

    FileChannel lockFile =
        FileChannel.open(data.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock = lockFile.tryLock();
    if (lock == null) {
      err.println(
          "objectkv local: another local cluster is using "
              + data
              + "; stop it first, or pass --data-dir");
      return Main.FAILED;
    }
    for (int port : ports.all()) {
      if (listening(port)) {
        err.println(
            "objectkv local: port "
                + port
                + " is in use; stop what uses it, or pass --port-offset N");
        return Main.FAILED;
      }
    }

    List<Part> parts = new CopyOnWriteArrayList<>();
    CountDownLatch stopping = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.countDown();
                  out.println();
                  out.println("stopping ObjectKV...");
                  for (int i = parts.size() - 1; i >= 0; i--) {
                    stop(parts.get(i), out);
                  }
                  out.println("stopped; data is kept in " + data);
                },
                "stop-local-cluster"));
    try {
      startAll(parts, home, data, logs, ports, environment(a, data, ports), out);
    } catch (IllegalStateException e) {
      err.println("objectkv local: " + e.getMessage());
      System.exit(Main.FAILED); // the shutdown hook stops what started
    }
    printRunning(out, data, logs, ports);
    watch(parts, err, stopping);
    return Main.OK;
  }

  /** What every ObjectKV process of the cluster is given: where Kafka and the objects are. */
  private static Map<String, String> environment(Main.Args a, Path data, Ports ports) {
    Map<String, String> env = new HashMap<>();
    env.put("OBJECTKV_KAFKA_BOOTSTRAP", "127.0.0.1:" + ports.kafka());
    env.put("OBJECTKV_DATABASE", a.get("database", "objectkv"));
    env.put("OBJECTKV_PARENT_PID", Long.toString(ProcessHandle.current().pid()));
    if (a.has("s3-endpoint")) {
      env.put("OBJECTKV_STORE", "s3");
      env.put("OBJECTKV_S3_ENDPOINT", a.get("s3-endpoint", ""));
      env.put("OBJECTKV_S3_BUCKET", a.get("s3-bucket", "objectkv"));
      env.put("OBJECTKV_S3_PREFIX", a.get("s3-prefix", ""));
      env.put(
          "OBJECTKV_S3_ACCESS_KEY",
          a.get("s3-access-key", System.getenv().getOrDefault("AWS_ACCESS_KEY_ID", "")));
      env.put(
          "OBJECTKV_S3_SECRET_KEY",
          a.get("s3-secret-key", System.getenv().getOrDefault("AWS_SECRET_ACCESS_KEY", "")));
    } else {
      env.put("OBJECTKV_STORE", "file");
      env.put("OBJECTKV_DATA_DIR", data.resolve("objects").toString());
    }
    return env;
  }

  /** Starts Kafka, then each process once the one before answers; adds each to {@code parts}. */
  private static void startAll(
      List<Part> parts,
      Path home,
      Path data,
      Path logs,
      Ports ports,
      Map<String, String> env,
      PrintStream out)
      throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String kafkaCp =
        home.resolve("embedded-kafka/target/classes")
            + java.io.File.pathSeparator
            + home.resolve("embedded-kafka/target/lib")
            + "/*";
    int kafka = ports.kafka();
    parts.add(
        start(
            out,
            "kafka",
            List.of(
                javaBin,
                "-Xmx512m",
                "-XX:+UnlockDiagnosticVMOptions",
                LAZY_MONITOR_DEFLATION,
                // The broker keeps C2: every request of every process runs through it, so its
                // compiled code pays back within a minute (see QUICK_JIT).
                "-cp",
                kafkaCp,
                "io.objectkv.embeddedkafka.EmbeddedKafka",
                "--dir",
                data.resolve("kafka").toString(),
                "--port",
                Integer.toString(kafka),
                "--controller-port",
                Integer.toString(kafka + 1),
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())),
            Map.of(),
            logs,
            () -> listening(kafka)));
    Path jvm = Files.createDirectories(data.resolve("jvm")); // class archives, see ClassArchive
    for (int n = 1; n <= ports.writers(); n++) {
      int port = ports.writer(n);
      String name = ports.writers() == 1 ? "writer" : "writer-" + n;
      parts.add(
          start(
              out,
              name,
              jar(javaBin, home, "writer", jvm, name),
              with(env, "OBJECTKV_WRITER_HTTP_PORT", port),
              logs,
              () -> healthy(port)));
    }
    parts.add(
        start(
            out,
            "compactor",
            jar(javaBin, home, "compactor", jvm, "compactor"),
            with(
                with(env, "OBJECTKV_COMPACTOR_HTTP_PORT", ports.compactor()),
                "OBJECTKV_COMPACTOR_TEMP_DIR",
                data.resolve("compactor-tmp")),
            logs,
            () -> healthy(ports.compactor())));
    for (int n = 1; n <= ports.readers(); n++) {
      int port = ports.reader(n);
      parts.add(
          start(
              out,
              "reader-" + n,
              jar(javaBin, home, "reader", jvm, "reader-" + n),
              with(
                  with(env, "OBJECTKV_READER_PORT", port),
                  "OBJECTKV_READER_CACHE_DIR",
                  data.resolve("reader-" + n + "-cache")),
              logs,
              () -> healthy(port)));
    }
    parts.add(
        start(
            out,
            "api-gateway",
            jar(javaBin, home, "api-gateway", jvm, "api-gateway"),
            with(env, "OBJECTKV_GATEWAY_PORT", ports.gateway()),
            logs,
            () -> healthy(ports.gateway())));
  }

  private static void printRunning(PrintStream out, Path data, Path logs, Ports ports) {
    StringBuilder readers = new StringBuilder();
    for (int n = 1; n <= ports.readers(); n++) {
      readers.append(n == 1 ? "" : "  ").append("http://127.0.0.1:").append(ports.reader(n));
    }
    StringBuilder writers = new StringBuilder();
    for (int n = 1; n <= ports.writers(); n++) {
      writers
          .append(n == 1 ? "" : "  ")
          .append("http://127.0.0.1:")
          .append(ports.writer(n))
          .append("/v1/status");
    }
    out.printf(
        """

        ObjectKV is running (data in %s, logs in %s):
          API          http://127.0.0.1:%d
          console      http://127.0.0.1:%d/console
          readers      %s
          writer%s      %s
          compactor    http://127.0.0.1:%d/v1/status
          kafka        127.0.0.1:%d

        Try:
          curl -X PUT --data-binary 'hello' http://127.0.0.1:%d/v1/kv/greeting
          curl http://127.0.0.1:%d/v1/kv/greeting
          ./objectkv get greeting%s

        Press Ctrl-C to stop.
        """,
        data,
        logs,
        ports.gateway(),
        ports.gateway(),
        readers,
        ports.writers() == 1 ? " " : "s",
        writers,
        ports.compactor(),
        ports.kafka(),
        ports.gateway(),
        ports.gateway(),
        ports.offset() == 0 ? "" : " --url http://127.0.0.1:" + ports.gateway());
    out.flush();
  }

  private static List<String> jar(
      String javaBin, Path home, String module, Path archives, String process) {
    Path jar = home.resolve(module).resolve("target").resolve("objectkv-" + module + ".jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar
              + " is not built: run ./objectkv local from the repository root (it builds what it needs)");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                javaBin,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:+UnlockDiagnosticVMOptions",
                LAZY_MONITOR_DEFLATION));
    if (!FULL_JIT.contains(module)) {
      command.add(QUICK_JIT);
    }
    command.addAll(ClassArchive.flags(archives, process, List.of(jar)));
    command.addAll(List.of("-jar", jar.toString()));
    return command;
  }

  /**
   * The processes that keep tiered compilation (C2): the gateway and the readers, which work per
   * request, and the writer, whose CPU is mostly the Kafka client's code, which C2 compiles much
   * tighter. The measurements behind each are in docs/design.md, "The JIT on one small machine".
   */
  static final Set<String> FULL_JIT = Set.of("api-gateway", "reader", "writer");

  /**
   * Only the quick compiler, for the compactor: seven JVMs on one machine otherwise spend minutes
   * compiling with C2, and the compactor works per compaction, off every request's path (on C2 its
   * CPU per operation was higher at one client and lower at 256, no clear winner). Deployments of
   * one process per machine (compose.yaml) keep the default tiered compilation everywhere. So does
   * the Kafka broker: after a minute of one client's writes, its CPU per write was 1.13-1.33 ms
   * with C2 against 1.82-1.96 ms with C1 only (two samples each, 224-291 writes/s), the largest
   * share of the cluster's.
   */
  static final String QUICK_JIT = "-XX:TieredStopAtLevel=1";

  /**
   * The JVM's monitor-deflation thread checks four times a second by default; once a second is its
   * floor (the guaranteed safepoint interval). Each wake-up of a thread costs 0.1-0.2 ms of CPU on
   * a small virtual machine, in each of the seven JVMs started here (docs/design.md, "Wake-ups on a
   * small virtual machine"). A diagnostic flag, present in every JDK this project runs on (21+).
   */
  static final String LAZY_MONITOR_DEFLATION = "-XX:AsyncDeflationInterval=1000";

  private static Map<String, String> with(Map<String, String> env, String name, Object value) {
    Map<String, String> m = new HashMap<>(env);
    m.put(name, value.toString());
    return m;
  }

  private static Part start(
      PrintStream out,
      String name,
      List<String> command,
      Map<String, String> env,
      Path logs,
      BooleanSupplier ready)
      throws IOException {
    out.printf("starting %-12s", name);
    out.flush();
    long t0 = System.nanoTime();
    Part part = launch(name, command, env, logs.resolve(name + ".log"), ready);
    Process p = part.process();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!ready.getAsBoolean()) {
      if (!p.isAlive()) {
        out.println(" failed");
        throw new IllegalStateException(
            name + " exited with code " + p.exitValue() + " during start; see " + part.log());
      }
      if (System.nanoTime() > deadline) {
        out.println(" timed out");
        p.destroyForcibly();
        throw new IllegalStateException(name + " did not become ready in 90 s; see " + part.log());
      }
      sleep(100);
    }
    out.printf(" ready in %.1f s (pid %d)%n", (System.nanoTime() - t0) / 1e9, p.pid());
    return part;
  }

  private static Part launch(
      String name, List<String> command, Map<String, String> env, Path log, BooleanSupplier ready)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return new Part(name, pb.start(), log, command, env, ready, System.nanoTime());
  }

  /** A part that stays up this long has its restart backoff reset. */
  private static final Duration STABLE = Duration.ofSeconds(60);

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * Restarts parts that exit on their own, until Ctrl-C: after 1 s, then twice as long each time it
   * dies again soon (at most 30 s), and says so. The data survives in S3 (or the data directory)
   * and Kafka, so a restarted part recovers where its predecessor stopped.
   */
  private static void watch(List<Part> parts, PrintStream err, CountDownLatch stopping) {
    Map<String, Duration> backoff = new HashMap<>();
    Map<String, Long> restartAt = new HashMap<>();
    try {
      while (!stopping.await(200, TimeUnit.MILLISECONDS)) {
        for (int i = 0; i < parts.size(); i++) {
          Part p = parts.get(i);
          if (p.process().isAlive() || stopping.getCount() == 0) {
            continue;
          }
          long now = System.nanoTime();
          Long due = restartAt.get(p.name());
          if (due == null) {
            Duration wait =
                now - p.startedNanos() > STABLE.toNanos()
                    ? Duration.ofSeconds(1)
                    : backoff.getOrDefault(p.name(), Duration.ofMillis(500)).multipliedBy(2);
            wait = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
            backoff.put(p.name(), wait);
            restartAt.put(p.name(), now + wait.toNanos());
            err.printf(
                "objectkv local: %s exited with code %d; restarting it in %.1f s (see %s)%n",
                p.name(), p.process().exitValue(), wait.toMillis() / 1e3, p.log());
          } else if (now >= due) {
            restartAt.remove(p.name());
            try {
              parts.set(i, launch(p.name(), p.command(), p.env(), p.log(), p.ready()));
              err.printf(
                  "objectkv local: restarted %s (pid %d)%n",
                  p.name(), parts.get(i).process().pid());
            } catch (IOException e) {
              err.printf("objectkv local: cannot restart %s: %s%n", p.name(), e);
            }
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void stop(Part part, PrintStream out) {
    if (!part.process().isAlive()) {
      return;
    }
    out.printf("  stopping %s%n", part.name());
    part.process().destroy();
    try {
      if (!part.process().waitFor(20, TimeUnit.SECONDS)) {
        part.process().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      part.process().destroyForcibly();
    }
  }

  static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static boolean healthy(int port) {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
