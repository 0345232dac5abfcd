package io.objectkv.bench;

import io.objectkv.client.KeyPaths;
import io.objectkv.compactor.CompactorMain;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.testkit.chaos.S3FaultProxy;
import io.objectkv.writer.commit.GroupPolicy;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Write load through the gateway: N clients each PUT 100-byte values to their own keys for a
 * bounded time, on loopback. Prints writes/s, ack latency percentiles and S3 PUTs per 1,000
 * acknowledged writes, next to the floor measured in the same run on the same servers: a bare S3
 * PUT and a bare Kafka produce, right before and right after each step (S3Mock's PUTs slow down as
 * its bucket fills, see {@link Floor}); p50/floor uses the mean of the two. Every process warms up
 * until the JIT settles, and each step runs in a new database with a bucket of its own.
 *
 * <p>The writer's grouping (see {@link GroupPolicy}): {@code --group-delay MS} is
 * OBJECTKV_WRITER_GROUP_MAX_DELAY (0 makes one poll a group), {@code --group-target N} is
 * OBJECTKV_WRITER_GROUP_TARGET_RECORDS, {@code --group-interval MS} is
 * OBJECTKV_WRITER_GROUP_MIN_INTERVAL; the defaults are the writer's.
 *
 * <p>{@code --s3-latency 0,30,100} runs every step once per median: the store is reached through
 * {@link S3FaultProxy}, which holds each request for a lognormal time of that median (sigma 0.5, so
 * p99 about 3.2 times the median), as S3 would. A slower PUT should make groups larger, not the
 * database slower.
 *
 * <pre>
 * bench/run WriteLoad [--clients 1,16,64] [--seconds 20] [--value-bytes 100]
 *                     [--group-delay 250] [--group-target 10000] [--group-interval 0]
 *                     [--compactor] [--s3-latency 0,30,100]
 * </pre>
 */
public final class WriteLoad {
  private WriteLoad() {}

  public static void main(String[] args) throws Exception {
    List<Integer> clientCounts = List.of(1, 16, 64);
    int seconds = 20;
    int valueBytes = 100;
    GroupPolicy d = GroupPolicy.DEFAULT;
    Duration groupDelay = d.maxDelay();
    int groupTarget = d.targetRecords();
    Duration groupInterval = d.minInterval();
    boolean compactor = false;
    List<Double> latencies = List.of(0.0);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" ->
            clientCounts =
                java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--value-bytes" -> valueBytes = Integer.parseInt(args[++i]);
        case "--group-delay" -> groupDelay = Duration.ofMillis(Long.parseLong(args[++i]));
        case "--group-target" -> groupTarget = Integer.parseInt(args[++i]);
        case "--group-interval" -> groupInterval = Duration.ofMillis(Long.parseLong(args[++i]));
        case "--compactor" -> compactor = true;
        case "--s3-latency" ->
            latencies =
                java.util.Arrays.stream(args[++i].split(",")).map(Double::parseDouble).toList();
        default -> {
          System.err.println(
              "usage: WriteLoad [--clients 1,16,64] [--seconds 20] [--value-bytes 100] [--group-delay MS] [--group-target N] [--group-interval MS] [--compactor] [--s3-latency MS,...]");
          System.exit(2);
        }
      }
    }
    GroupPolicy groups =
        new GroupPolicy(d.maxRecords(), d.maxBytes(), groupTarget, groupDelay, groupInterval);
    System.out.printf(
        "writer groups: max delay %d ms, target %d records, min interval %d ms%n",
        groupDelay.toMillis(), groupTarget, groupInterval.toMillis());
    byte[] value = new byte[valueBytes];
    new Random(7).nextBytes(value);
    // Every process's JIT warms up first, under loads the 2 cores can carry while compiling, each
    // in a database of its own: a step that starts cold at hundreds of clients starves the compiler
    // threads (256 clients: 1,572 instead of 3,823 writes/s), and compiling goes on for minutes
    // (after 30 s at 64 clients and 30 s at 1 client, the C2 threads still took a third of the
    // broker's and this JVM's CPU at 1 client).
    // Then at the most clients a step runs, once the JIT has settled at 64: warmed at 64 and 1
    // alone, the first of three 1,024-client steps ran at 3,212 writes/s against 5,453/s for the
    // same step after it. With a compactor when the steps have one: without, L0 grew past the
    // writer's slowdown point and 1,024 clients' writes fell from 1,643 to 256/s in 50 s.
    System.out.println("warming up until the JIT settles ...");
    int most = clientCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
    for (int clients : most > 64 ? List.of(64, 1, most) : List.of(64, 1)) {
      try (BenchCluster warm = BenchCluster.inNewBucket()) {
        warmUp(warm, address(start(warm, groups, compactor)), clients, value);
      }
    }
    for (double latency : latencies)
      for (int clients : clientCounts) {
        // Each step runs in a new database with a bucket of its own, so what ran before it does not
        // slow S3Mock down; the processes (and their JIT) stay warm.
        try (BenchCluster cluster = BenchCluster.inNewBucket();
            S3FaultProxy proxy = new S3FaultProxy(cluster.servers.s3Endpoint(), 1)) {
          if (latency > 0) {
            proxy.set(new S3FaultProxy.Faults(latency, 0.5, 0, 0));
            cluster.env.put("OBJECTKV_S3_ENDPOINT", proxy.endpoint().toString());
            System.out.printf("S3 requests held for a lognormal time of median %.0f ms%n", latency);
          }
          GatewayMain.Gateway gateway = start(cluster, groups, compactor);
          URI base = address(gateway);
          Metrics gatewayMetrics = gateway.metrics();
          HttpClient[] http = clientsFor(clients);
          run(cluster, http, base, clients, Duration.ofSeconds(Math.max(5, seconds / 4)), value);
          // The step's own objects slow S3Mock's PUTs down while it runs: a floor before and after.
          Floor.Result floorBefore = Floor.measure(cluster, 200, 16 * 1024);
          var m = cluster.writerMetrics;
          Step group = Step.of(m.histogram("objectkv_writer_group_seconds", ""));
          Step decide = Step.of(m.histogram("objectkv_writer_decide_seconds", ""));
          Step upload = Step.of(m.histogram("objectkv_writer_upload_seconds", ""));
          Step publish = Step.of(m.histogram("objectkv_writer_publish_seconds", ""));
          Step gatewayPublish =
              Step.of(gatewayMetrics.histogram("objectkv_gateway_publish_seconds", ""));
          Step recordAge = Step.of(m.histogram("objectkv_writer_record_age_seconds", ""));
          Step gatewayAck = Step.of(gatewayMetrics.histogram("objectkv_gateway_write_seconds", ""));
          Result r = run(cluster, http, base, clients, Duration.ofSeconds(seconds), value);
          Floor.Result floorAfter = Floor.measure(cluster, 200, 16 * 1024);
          double floorP50 = (floorBefore.p50Millis() + floorAfter.p50Millis()) / 2;
          System.out.println("  floor before: " + floorBefore.summary());
          System.out.println("  floor after:  " + floorAfter.summary());
          System.out.printf(
              "clients=%d: %.0f writes/s; ack %s; %.2f S3 PUTs per 1000 writes; %.1f batches per group; p50/floor = %.2f%n",
              clients,
              r.writesPerSecond,
              r.latencies.summary(),
              r.putsPerThousand,
              r.batchesPerGroup,
              r.latencies.millis(0.5) / floorP50);
          System.out.printf(
              "  writer means: group %.2f ms = decide %.2f ms + upload %.2f ms + the rest of publish%n"
                  + "    (publish %.2f ms: the object upload, then the delta appended)%n",
              group.millis(), decide.millis(), upload.millis(), publish.millis());
          System.out.printf(
              "  means: gateway publish %.2f ms, record age at decision %.2f ms, gateway ack %.2f ms%n",
              gatewayPublish.millis(), recordAge.millis(), gatewayAck.millis());
        }
      }
    System.exit(0);
  }

  /** Starts the writer (and a compactor if asked) and a gateway; returns the gateway. */
  private static GatewayMain.Gateway start(
      BenchCluster cluster, GroupPolicy groups, boolean compactor) throws Exception {
    cluster.startWriter(cluster.writerConfig().withGroups(groups));
    if (compactor) {
      // As deployed, a compactor merges L0 and deletes what it replaced, which keeps S3Mock's
      // bucket small (its PUTs slow down with every object it holds); but on these 2 cores it
      // competes with the write path, and its new JVM compiles during the step (1 client: p50
      // 19.1 ms instead of 11.5-12): off by default.
      Duration grace = Duration.ofSeconds(15);
      cluster.startCompactor(
          Map.of(
              CompactorMain.GC_GRACE.name(),
              grace.toSeconds() + "s",
              CompactorMain.GC_INTERVAL.name(),
              "5s"),
          "256m",
          Files.createTempDirectory("write-load"));
      System.out.printf("compactor: its own process, GC grace %d s%n", grace.toSeconds());
    }
    return cluster.startGateway(List.of());
  }

  private static URI address(GatewayMain.Gateway gateway) {
    return URI.create("http://127.0.0.1:" + gateway.port());
  }

  /**
   * Runs {@code clients} in 10 s slices until this JVM's JIT compiles for less than 5% of a slice,
   * for 90 s at most. Only this JVM's compile time is visible here; measured from outside, the
   * broker's C2 threads settled on about the same schedule.
   */
  private static void warmUp(BenchCluster cluster, URI base, int clients, byte[] value)
      throws Exception {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    Duration slice = Duration.ofSeconds(10);
    HttpClient[] http = clientsFor(clients);
    for (int i = 1; i <= 9; i++) {
      long before = jit.getTotalCompilationTime();
      Result r = run(cluster, http, base, clients, slice, value);
      long compiling = jit.getTotalCompilationTime() - before;
      System.out.printf(
          "  %d clients, %3d s: %.0f writes/s, p50 %.2f ms; JIT compiled for %d ms%n",
          clients, i * slice.toSeconds(), r.writesPerSecond, r.latencies.millis(0.5), compiling);
      if (compiling < slice.toMillis() / 20) {
        return;
      }
    }
  }

  /** A histogram's mean over one step: the processes' histograms count from their start. */
  private record Step(Metrics.Histogram h, long count, double sumSeconds) {
    static Step of(Metrics.Histogram h) {
      return new Step(h, h.count(), h.sumSeconds());
    }

    double millis() {
      long n = h.count() - count;
      return n == 0 ? Double.NaN : (h.sumSeconds() - sumSeconds) * 1000 / n;
    }
  }

  /**
   * One JDK HttpClient serves its connections from a single selector thread: every 64 clients get
   * their own, so the load generator is not what limits the gateway.
   */
  private static HttpClient[] clientsFor(int clients) {
    HttpClient[] http = new HttpClient[(clients + 63) / 64];
    for (int i = 0; i < http.length; i++) {
      http[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }
    return http;
  }

  record Result(
      double writesPerSecond,
      Latencies latencies,
      double putsPerThousand,
      double batchesPerGroup) {}

  static Result run(
      BenchCluster cluster,
      HttpClient[] pool,
      URI base,
      int clients,
      Duration duration,
      byte[] value)
      throws Exception {
    long putsBefore =
        cluster.storeRequests(cluster.writerMetrics, "put_if_absent")
            + cluster.storeRequests(cluster.writerMetrics, "put");
    long groupsBefore = cluster.writerMetrics.counter("objectkv_writer_groups_total", "").get();
    AtomicLong errors = new AtomicLong();
    List<Latencies> perClient = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int c = 0; c < clients; c++) {
      Latencies mine = new Latencies();
      perClient.add(mine);
      HttpClient http = pool[c % pool.length];
      String prefix =
          "/v1/kv/"
              + KeyPaths.encode(
                  ("load-" + clients + "-" + c + "-").getBytes(StandardCharsets.UTF_8));
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long i = 0; System.nanoTime() < deadline; i++) {
                      HttpRequest req =
                          HttpRequest.newBuilder(base.resolve(prefix + i))
                              .PUT(HttpRequest.BodyPublishers.ofByteArray(value))
                              .build();
                      long t = System.nanoTime();
                      try {
                        HttpResponse<Void> r =
                            http.send(req, HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                          mine.record(System.nanoTime() - t);
                        } else if (errors.incrementAndGet() <= 3) {
                          System.out.println("  status " + r.statusCode());
                        }
                      } catch (Exception e) {
                        if (errors.incrementAndGet() <= 3) {
                          System.out.println("  client error: " + e);
                        }
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Latencies all = Latencies.merge(perClient);
    long puts =
        cluster.storeRequests(cluster.writerMetrics, "put_if_absent")
            + cluster.storeRequests(cluster.writerMetrics, "put")
            - putsBefore;
    long groups =
        cluster.writerMetrics.counter("objectkv_writer_groups_total", "").get() - groupsBefore;
    if (errors.get() > 0) {
      System.out.println("  errors: " + errors.get());
    }
    return new Result(
        all.count() / elapsed,
        all,
        all.count() == 0 ? 0 : 1000.0 * puts / all.count(),
        groups == 0 ? 0 : (double) all.count() / groups);
  }
}
