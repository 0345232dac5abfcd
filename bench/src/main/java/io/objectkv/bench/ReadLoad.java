package io.objectkv.bench;

import io.javalin.Javalin;
import io.objectkv.client.KeyPaths;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.http.HttpServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cached point GETs through a reader and through the gateway, next to the same client against an
 * empty endpoint of the same HTTP server setup (the floor), at several client counts; then cold
 * GETs on a replica with empty caches (S3 requests per read), and the cold boot of a reader process
 * (start to first answered GET).
 *
 * <pre>bench/run ReadLoad [--clients 1,16,64] [--seconds 10] [--keys 2000]</pre>
 */
public final class ReadLoad {
  private ReadLoad() {}

  public static void main(String[] args) throws Exception {
    List<Integer> clientCounts = List.of(1, 16, 64);
    int seconds = 10;
    int keys = 2000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" ->
            clientCounts =
                java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: ReadLoad [--clients 1,16,64] [--seconds 10] [--keys 2000]");
          System.exit(2);
        }
      }
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Path caches = Files.createTempDirectory("readload");
    try (BenchCluster cluster = new BenchCluster()) {
      cluster.startWriter(cluster.writerConfig());
      Metrics readerMetrics = new Metrics();
      ReaderMain.Reader reader = cluster.startReader(caches.resolve("warm"), readerMetrics);
      var gateway = cluster.startGateway(List.of(reader));
      URI gatewayUri = URI.create("http://127.0.0.1:" + gateway.port());
      URI readerUri = URI.create("http://127.0.0.1:" + reader.port());
      long version = load(http, gatewayUri, keys);
      System.out.printf("loaded %d keys of 100 bytes (version %d)%n", keys, version);
      for (int k = 0; k < keys; k++) {
        get(http, readerUri, k, "?minVersion=" + version); // warm the caches
      }
      Javalin empty =
          HttpServers.create(
                  "floor", new Metrics(), c -> c.routes.get("/v1/status", ctx -> ctx.result("x")))
              .start("127.0.0.1", 0);
      URI emptyUri = URI.create("http://127.0.0.1:" + empty.port());
      for (int clients : clientCounts) {
        run(http, emptyUri, clients, Duration.ofSeconds(2), keys, true); // warm-up
        run(http, readerUri, clients, Duration.ofSeconds(2), keys, false);
        run(http, gatewayUri, clients, Duration.ofSeconds(2), keys, false);
        long before =
            cluster.storeRequests(readerMetrics, "range_get")
                + cluster.storeRequests(readerMetrics, "get");
        Result floor = run(http, emptyUri, clients, Duration.ofSeconds(seconds), keys, true);
        Result direct = run(http, readerUri, clients, Duration.ofSeconds(seconds), keys, false);
        Result via = run(http, gatewayUri, clients, Duration.ofSeconds(seconds), keys, false);
        long s3 =
            cluster.storeRequests(readerMetrics, "range_get")
                + cluster.storeRequests(readerMetrics, "get")
                - before;
        System.out.printf(
            "clients=%d%n  empty endpoint: %6.0f ops/s, %s%n  reader:         %6.0f ops/s, %s; p50 ratio %.2f%n  gateway:        %6.0f ops/s, %s; p50 ratio %.2f%n  S3 requests during the cached runs: %d (%.4f per read)%n",
            clients,
            floor.opsPerSecond,
            floor.latencies.summary(),
            direct.opsPerSecond,
            direct.latencies.summary(),
            direct.latencies.millis(0.5) / floor.latencies.millis(0.5),
            via.opsPerSecond,
            via.latencies.summary(),
            via.latencies.millis(0.5) / floor.latencies.millis(0.5),
            s3,
            (double) s3 / (direct.latencies.count() + via.latencies.count()));
      }
      empty.stop();

      Metrics coldMetrics = new Metrics();
      ReaderMain.Reader cold = cluster.startReader(caches.resolve("cold"), coldMetrics);
      URI coldUri = URI.create("http://127.0.0.1:" + cold.port());
      long before =
          cluster.storeRequests(coldMetrics, "range_get")
              + cluster.storeRequests(coldMetrics, "get");
      int reads = Math.min(200, keys);
      SplittableRandom rnd = new SplittableRandom(3);
      for (int i = 0; i < reads; i++) {
        get(http, coldUri, rnd.nextInt(keys), "");
      }
      long s3 =
          cluster.storeRequests(coldMetrics, "range_get")
              + cluster.storeRequests(coldMetrics, "get")
              - before;
      System.out.printf(
          "cold reads: %d random GETs on an empty cache took %d S3 requests (%.2f per read)%n",
          reads, s3, (double) s3 / reads);
      ColdBoot.measure(cluster, caches.resolve("boot"), 3);
    }
    System.exit(0);
  }

  static long load(HttpClient http, URI gateway, int keys) throws Exception {
    long version = -1;
    byte[] value = new byte[100];
    new SplittableRandom(1).nextBytes(value);
    String v =
        new String(java.util.Base64.getEncoder().encode(value), StandardCharsets.US_ASCII)
            .substring(0, 100);
    for (int start = 0; start < keys; start += 500) {
      StringBuilder ops = new StringBuilder("{\"ops\": [");
      for (int k = start; k < Math.min(keys, start + 500); k++) {
        ops.append(k == start ? "" : ",")
            .append("{\"op\":\"put\",\"key\":\"")
            .append(key(k))
            .append("\",\"value\":\"")
            .append(v)
            .append("\"}");
      }
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(gateway.resolve("/v1/batch"))
                  .POST(HttpRequest.BodyPublishers.ofString(ops + "]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      version = Long.parseLong(r.body().replaceAll("\\D", ""));
    }
    return version;
  }

  static String key(int k) {
    return String.format("user%08d", k);
  }

  static int get(HttpClient http, URI base, int k, String query) throws Exception {
    return http.send(
            HttpRequest.newBuilder(
                    base.resolve(
                        "/v1/kv/"
                            + KeyPaths.encode(key(k).getBytes(StandardCharsets.UTF_8))
                            + query))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  record Result(double opsPerSecond, Latencies latencies) {}

  static Result run(
      HttpClient http, URI base, int clients, Duration duration, int keys, boolean empty)
      throws Exception {
    List<Latencies> parts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int c = 0; c < clients; c++) {
      Latencies mine = new Latencies();
      parts.add(mine);
      SplittableRandom rnd = new SplittableRandom(c);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      long t = System.nanoTime();
                      try {
                        int status =
                            empty
                                ? http.send(
                                        HttpRequest.newBuilder(base.resolve("/v1/status")).build(),
                                        HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                                : get(http, base, rnd.nextInt(keys), "");
                        if (status == 200) {
                          mine.record(System.nanoTime() - t);
                        }
                      } catch (Exception e) {
                        // counted as missing from the throughput
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    Latencies all = Latencies.merge(parts);
    return new Result(all.count() / ((System.nanoTime() - start) / 1e9), all);
  }
}
