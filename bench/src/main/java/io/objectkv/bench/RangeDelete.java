package io.objectkv.bench;

import io.objectkv.client.Batch;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.Precondition;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.reader.ReaderMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a range delete costs against the number of keys it covers: loads {@code --keys} keys under
 * one prefix, then deletes one key and then the whole prefix, each through the gateway, and reports
 * the time to acknowledgement and the bytes the writer wrote to the object store for each; then
 * reads under the deleted prefix (a point get, a scan) before any compaction.
 *
 * <pre>
 * bench/run RangeDelete [--keys 1000000] [--clients 16]
 * </pre>
 */
public final class RangeDelete {
  private RangeDelete() {}

  private static final int BATCH = 1000;

  public static void main(String[] args) throws Exception {
    int keys = 1_000_000;
    int clients = 16;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("usage: RangeDelete [--keys 1000000] [--clients 16]");
          System.exit(2);
        }
      }
    }
    try (BenchCluster cluster = BenchCluster.inNewBucket()) {
      cluster.startWriter(cluster.writerConfig());
      ReaderMain.Reader reader =
          cluster.startReader(Files.createTempDirectory("rangedelete"), new Metrics());
      var gateway = cluster.startGateway(List.of(reader));
      String url = "http://127.0.0.1:" + gateway.port();
      try (ObjectKvClient kv =
          ObjectKvClient.builder(url).timeout(Duration.ofSeconds(60)).build()) {
        load(kv, keys, clients);
        Metrics.Counter written =
            cluster.writerMetrics.counter("objectkv_store_written_bytes_total", "");

        // One key, ten times (the median), then the prefix once: ack time is the pipeline's.
        // (Medians: now and then a group also writes a manifest snapshot.)
        long[] millis = new long[10];
        long[] bytes = new long[10];
        for (int i = 0; i < millis.length; i++) {
          long b = written.get();
          long t = System.nanoTime();
          kv.delete(key(keys / 2 + i));
          millis[i] = (System.nanoTime() - t) / 1_000_000;
          bytes[i] = written.get() - b;
        }
        java.util.Arrays.sort(millis);
        java.util.Arrays.sort(bytes);
        System.out.printf(
            "%-36s acknowledged in %7d ms, %,9d bytes written to the object store (medians of 10)%n",
            "delete 1 key", millis[5], bytes[5]);
        long before;
        long start;

        before = written.get();
        start = System.nanoTime();
        long version = kv.deletePrefix("big/");
        report("delete prefix of " + keys + " keys", start, written.get() - before);

        HttpClient http = HttpClient.newHttpClient();
        start = System.nanoTime();
        int status =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(url + "/v1/kv/" + key(7) + "?minVersion=" + version))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        System.out.printf(
            "get of a deleted key: %d in %.1f ms%n", status, (System.nanoTime() - start) / 1e6);
        start = System.nanoTime();
        String scan =
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(url + "/v1/kv?prefix=big%2F&limit=10&minVersion=" + version))
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        System.out.printf(
            "scan of the deleted prefix (before compaction): %s in %.1f ms%n",
            scan, (System.nanoTime() - start) / 1e6);
      }
    }
  }

  private static String key(int i) {
    return String.format("big/%09d", i);
  }

  private static void report(String what, long startNanos, long bytes) {
    System.out.printf(
        "%-36s acknowledged in %7.1f ms, %,9d bytes written to the object store%n",
        what, (System.nanoTime() - startNanos) / 1e6, bytes);
  }

  /** {@code keys} keys of 100-byte values, in batches of 1,000 from {@code clients} clients. */
  private static void load(ObjectKvClient kv, int keys, int clients) throws Exception {
    byte[] value = "v".repeat(100).getBytes(StandardCharsets.UTF_8);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(
            pool.submit(
                () -> {
                  for (int from = next.getAndAdd(BATCH);
                      from < keys;
                      from = next.getAndAdd(BATCH)) {
                    Batch b = Batch.create();
                    for (int i = from; i < Math.min(keys, from + BATCH); i++) {
                      b.put(key(i).getBytes(StandardCharsets.UTF_8), value, Precondition.none());
                    }
                    kv.write(b);
                    if ((from / BATCH) % 100 == 0) {
                      System.err.printf("loaded %,d keys%n", from + BATCH);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    System.out.printf("loaded %,d keys in %.1f s%n", keys, (System.nanoTime() - start) / 1e9);
  }
}
