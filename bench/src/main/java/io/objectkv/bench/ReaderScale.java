package io.objectkv.bench;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads through the gateway with 1, 2 and 3 readers, each its own process, added while the cluster
 * runs: the README cluster ({@code ./objectkv local --readers 1}) and then readers started as a
 * deployment would start one, with nothing told to the gateway. For each added reader: the time
 * from its start to the first read the gateway routed to it (read off its
 * objectkv_reader_reads_total while a reader load runs); for each count: gets/s and latency.
 *
 * <pre>bench/run ReaderScale [--seconds 10] [--clients 64] [--keys 10000] [--port-offset 400]</pre>
 */
public final class ReaderScale {
  private ReaderScale() {}

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    int clients = 64;
    int keys = 10_000;
    int offset = 400;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--port-offset" -> offset = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: bench/run ReaderScale [--seconds 10] [--clients 64] [--keys 10000]"
                  + " [--port-offset 400]");
          System.exit(2);
        }
      }
    }
    Path home = Path.of(".").toAbsolutePath().normalize();
    Path dir = Files.createTempDirectory("reader-scale");
    HttpClient http = VsEtcd.client();
    List<Process> started = VsEtcd.stoppedAtExit();
    Process cluster = VsEtcd.startObjectKv(home, dir, offset, "--readers", "1");
    started.add(cluster);
    URI gateway = URI.create("http://127.0.0.1:" + (8080 + offset));
    VsEtcd.awaitHealthy(http, gateway.resolve("/health"), cluster, Duration.ofMinutes(10));
    KvDriver driver = new KvDriver.ObjectKv(http, gateway);
    VsEtcd.load(driver, keys);
    System.out.printf(Locale.ROOT, "loaded %d keys of 100 bytes%n", keys);
    VsEtcd.Contender system = new VsEtcd.Contender(driver, cluster.toHandle(), null);
    VsEtcd.Step step = new VsEtcd.Step(VsEtcd.Kind.GET, clients);

    List<String> rows = new ArrayList<>();
    for (int readers = 1; readers <= 3; readers++) {
      if (readers > 1) {
        int port = 8080 + readers + offset;
        long start = System.nanoTime();
        started.add(startReader(home, dir, offset, readers, port));
        long firstRouted = firstRoutedRead(http, driver, keys, port, start);
        System.out.printf(
            Locale.ROOT,
            "reader-%d: %d ms from its start to the first read the gateway routed to it%n",
            readers,
            firstRouted / 1_000_000);
      }
      VsEtcd.run(system, step, keys, Duration.ofSeconds(3)); // warm-up, fills the new cache
      double cpuBefore = cpuSeconds(started);
      VsEtcd.Outcome o = VsEtcd.run(system, step, keys, Duration.ofSeconds(seconds));
      double cpuMillisPerGet =
          (cpuSeconds(started) - cpuBefore) * 1e3 / Math.max(1, o.latencies().count());
      String row =
          String.format(
              Locale.ROOT,
              "%d reader%s: %6.0f gets/s  %s  errors %d  CPU %.3f ms/get (all processes)",
              readers,
              readers == 1 ? " " : "s",
              o.opsPerSecond(),
              o.latencies().summary(),
              o.errors(),
              cpuMillisPerGet);
      System.out.println(row);
      rows.add(row);
    }
    System.out.printf(
        "%nGets through the gateway, %d clients, %d s each (%d cores):%n",
        clients, seconds, Runtime.getRuntime().availableProcessors());
    rows.forEach(System.out::println);
    VsEtcd.stopAll(started);
    System.exit(0);
  }

  /** CPU of every process of the cluster: the local cluster's and the readers added to it. */
  private static double cpuSeconds(List<Process> processes) {
    return processes.stream().mapToDouble(p -> ProcessCpu.seconds(p.toHandle())).sum();
  }

  /** A reader process as ./objectkv local starts one, into the same cluster. */
  private static Process startReader(Path home, Path dir, int offset, int n, int port)
      throws Exception {
    Path jar = home.resolve("reader/target/objectkv-reader.jar");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                jar.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("reader-" + n + ".log").toFile());
    pb.environment().put("OBJECTKV_KAFKA_BOOTSTRAP", "127.0.0.1:" + (9092 + offset));
    pb.environment().put("OBJECTKV_DATABASE", "objectkv");
    pb.environment().put("OBJECTKV_STORE", "file");
    pb.environment().put("OBJECTKV_DATA_DIR", dir.resolve("objectkv/objects").toString());
    pb.environment().put("OBJECTKV_READER_PORT", Integer.toString(port));
    pb.environment()
        .put("OBJECTKV_READER_CACHE_DIR", dir.resolve("reader-" + n + "-cache").toString());
    return pb.start();
  }

  private static final Pattern READS = Pattern.compile("(?m)^objectkv_reader_reads_total (\\d+)$");

  /**
   * Runs gets through the gateway until the reader on {@code port} has served one; returns the
   * nanoseconds from {@code start}.
   */
  private static long firstRoutedRead(
      HttpClient http, KvDriver driver, int keys, int port, long start) throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> load = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int seed = c;
      load.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    while (!done.get()) {
                      try {
                        driver.get(VsEtcd.key(r.nextInt(keys)));
                      } catch (Exception e) {
                        // counted by nobody: this load only has to reach the new reader
                      }
                    }
                  }));
    }
    URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
    try {
      long deadline = start + Duration.ofMinutes(2).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          String body =
              http.send(
                      HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(1)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body();
          Matcher m = READS.matcher(body);
          if (m.find() && Long.parseLong(m.group(1)) > 0) {
            return System.nanoTime() - start;
          }
        } catch (java.io.IOException e) {
          // not listening yet
        }
        Thread.sleep(20);
      }
      throw new IllegalStateException("the reader on port " + port + " got no read in 2 minutes");
    } finally {
      done.set(true);
      for (Thread t : load) {
        t.join();
      }
    }
  }
}
