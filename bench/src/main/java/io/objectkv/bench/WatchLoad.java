package io.objectkv.bench;

import io.objectkv.client.ChangeEvent;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.Watch;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.reader.ReaderMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches through the gateway, on loopback: (1) the latency from a write's acknowledgement to its
 * event at a watcher, one writer at a steady rate; (2) events per second delivered to many watchers
 * of one prefix while writers load it, checking that every watcher got every acknowledged write
 * exactly once, in version order.
 *
 * <pre>
 * bench/run WatchLoad [--seconds 15] [--rate 50] [--watchers 100] [--writers 64]
 * </pre>
 */
public final class WatchLoad {
  private WatchLoad() {}

  public static void main(String[] args) throws Exception {
    int seconds = 15;
    int rate = 50;
    int watchers = 100;
    int writers = 64;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--watchers" -> watchers = Integer.parseInt(args[++i]);
        case "--writers" -> writers = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: WatchLoad [--seconds 15] [--rate 50] [--watchers 100] [--writers 64]");
          System.exit(2);
        }
      }
    }
    Path caches = Files.createTempDirectory("watchload");
    try (BenchCluster cluster = BenchCluster.inNewBucket()) {
      cluster.startWriter(cluster.writerConfig());
      ReaderMain.Reader reader = cluster.startReader(caches.resolve("r"), new Metrics());
      var gateway = cluster.startGateway(List.of(reader));
      String url = "http://127.0.0.1:" + gateway.port();
      try (ObjectKvClient kv =
          ObjectKvClient.builder(url).timeout(Duration.ofSeconds(30)).build()) {
        latency(kv, seconds, rate);
        fanOut(url, kv, seconds, watchers, writers);
      }
    }
  }

  /** One watcher, one writer at {@code rate} puts per second: acknowledgement to event. */
  private static void latency(ObjectKvClient kv, int seconds, int rate) throws Exception {
    Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
    Map<Long, Long> seenAt = new ConcurrentHashMap<>();
    AtomicLong lastAcked = new AtomicLong(Long.MAX_VALUE);
    try (Watch w = kv.watch(ObjectKvClient.Scan.prefix("lat/"), -1);
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> watcher =
          pool.submit(
              () -> {
                while (w.hasNext()) {
                  ChangeEvent e = w.next();
                  seenAt.put(e.version(), System.nanoTime());
                  if (e.version() >= lastAcked.get()) {
                    return null;
                  }
                }
                return null;
              });
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      long last = -1;
      for (long next = start; next < end; next += interval) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        long v = kv.put("lat/" + (next % 16), "x".repeat(100));
        ackedAt.put(v, System.nanoTime());
        last = v;
      }
      lastAcked.set(last);
      watcher.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
    Latencies ackToEvent = new Latencies();
    int early = 0;
    for (Map.Entry<Long, Long> a : ackedAt.entrySet()) {
      Long seen = seenAt.get(a.getKey());
      if (seen == null) {
        throw new IllegalStateException("no event for acknowledged version " + a.getKey());
      }
      long d = seen - a.getValue();
      if (d < 0) {
        early++; // the event arrived before the writer's acknowledgement did
      }
      ackToEvent.record(Math.max(0, d));
    }
    Latencies sorted = Latencies.merge(List.of(ackToEvent));
    System.out.printf(
        "latency, acknowledgement to event (1 watcher, %d puts/s for %d s): %s; %d events came"
            + " before their acknowledgement (counted as 0)%n",
        rate, seconds, sorted.summary(), early);
  }

  /** {@code watchers} watchers of one prefix while {@code writers} clients write to it. */
  private static void fanOut(String url, ObjectKvClient kv, int seconds, int watchers, int writers)
      throws Exception {
    Map<Long, Integer> acked = new ConcurrentHashMap<>();
    AtomicLong delivered = new AtomicLong();
    AtomicLong lastAcked = new AtomicLong(Long.MAX_VALUE);
    List<Watch> watches = new ArrayList<>();
    List<ObjectKvClient> clients = new ArrayList<>();
    for (int i = 0; i < watchers; i++) {
      ObjectKvClient c = ObjectKvClient.builder(url).timeout(Duration.ofSeconds(30)).build();
      clients.add(c);
      watches.add(c.watch(ObjectKvClient.Scan.prefix("fan/"), -1));
    }
    long start;
    long writesDone;
    long watchersDone;
    List<Map<Long, Integer>> got = new ArrayList<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> watching = new ArrayList<>();
      for (Watch w : watches) {
        Map<Long, Integer> mine = new java.util.HashMap<>();
        got.add(mine);
        watching.add(
            pool.submit(
                () -> {
                  long previous = -1;
                  while (w.hasNext()) {
                    ChangeEvent e = w.next();
                    if (e.version() <= previous) {
                      throw new IllegalStateException("out of order: " + e.version());
                    }
                    previous = e.version();
                    mine.merge(e.version(), 1, Integer::sum);
                    delivered.incrementAndGet();
                    if (e.version() >= lastAcked.get()) {
                      return null;
                    }
                  }
                  return null;
                }));
      }
      start = System.nanoTime();
      long end = start + Duration.ofSeconds(seconds).toNanos();
      List<Future<Long>> writing = new ArrayList<>();
      for (int c = 0; c < writers; c++) {
        int client = c;
        writing.add(
            pool.submit(
                () -> {
                  long last = -1;
                  for (int i = 0; System.nanoTime() < end; i++) {
                    long v = kv.put("fan/" + client + "/" + (i % 8), "y".repeat(100));
                    acked.put(v, 1);
                    last = v;
                  }
                  return last;
                }));
      }
      long last = -1;
      for (Future<Long> f : writing) {
        last = Math.max(last, f.get());
      }
      writesDone = System.nanoTime();
      lastAcked.set(last);
      for (Future<?> f : watching) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
      watchersDone = System.nanoTime();
    } finally {
      watches.forEach(Watch::close);
      clients.forEach(ObjectKvClient::close);
    }
    long elapsed = watchersDone - start;
    int complete = 0;
    for (Map<Long, Integer> mine : got) {
      if (mine.keySet().containsAll(acked.keySet())
          && mine.values().stream().allMatch(n -> n == 1)) {
        complete++;
      }
    }
    System.out.printf(
        "fan-out: %d watchers, %d writers for %d s: %d writes acknowledged (%.0f/s), %d events"
            + " delivered in %.1f s (%.0f events/s, the last %.1f s after the last write); %d of"
            + " %d watchers got every acknowledged write exactly once, in order%n",
        watchers,
        writers,
        seconds,
        acked.size(),
        acked.size() / ((writesDone - start) / 1e9),
        delivered.get(),
        elapsed / 1e9,
        delivered.get() / (elapsed / 1e9),
        (watchersDone - writesDone) / 1e9,
        complete,
        watchers);
  }
}
