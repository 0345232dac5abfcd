package io.objectkv.bench;

import io.objectkv.testkit.chaos.ChaosCluster;
import io.objectkv.testkit.chaos.ChaosSettings;
import io.objectkv.testkit.chaos.S3FaultProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many databases on one cluster of separate processes (two writers, a compactor, a reader and a
 * gateway; S3Mock behind a proxy that injects latency and counts requests by database):
 *
 * <ol>
 *   <li>scale-out: writes/s over 4 databases with S3 PUT latency injected, with one writer and then
 *       two (the second joins while the first runs, and takes a share), and first on one database
 *       with a quarter of the clients (what one writer does for each database it runs);
 *   <li>failover: kill -9 a writer; the time until each of its databases takes writes again;
 *   <li>idle: many databases created and left alone; S3 requests and CPU of the whole cluster over
 *       a quiet minute, then with a few of them written.
 * </ol>
 *
 * <pre>bench/run ManyDatabases [--dbs 1000] [--active 10] [--seconds 20] [--clients 64]
 *                             [--put-latency-ms 50] [--quiet-seconds 60]</pre>
 */
public final class ManyDatabases {
  private ManyDatabases() {}

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int dbs = 1000;
    int active = 10;
    int seconds = 20;
    int clients = 64;
    double putLatency = 50;
    int quietSeconds = 60;
    boolean scale = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dbs" -> dbs = Integer.parseInt(args[++i]);
        case "--active" -> active = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--put-latency-ms" -> putLatency = Double.parseDouble(args[++i]);
        case "--quiet-seconds" -> quietSeconds = Integer.parseInt(args[++i]);
        case "--idle-only" -> scale = false;
        default -> {
          System.err.println(
              "usage: bench/run ManyDatabases [--dbs 1000] [--active 10] [--seconds 20]"
                  + " [--clients 64] [--put-latency-ms 50] [--quiet-seconds 60] [--idle-only]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory("many-databases");
    System.out.println("starting the cluster (logs in " + dir.resolve("logs") + ") ...");
    Map<String, String> settings = new HashMap<>(ChaosSettings.PROCESSES);
    settings.put("OBJECTKV_WRITER_PARK_AFTER", "10s");
    // One compactor for every database, under the same latency: what scale-out measures is the
    // writers, so L0 may grow for the run instead of holding groups back.
    settings.put("OBJECTKV_WRITER_L0_SLOWDOWN_OBJECTS", "0");
    try (ChaosCluster cluster =
        new ChaosCluster(dir, 1, settings, List.of(dir.resolve("reader-1-cache")))) {
      URI gateway = cluster.gateway();
      List<String> four = List.of("scale-0", "scale-1", "scale-2", "scale-3");
      four.forEach(db -> create(gateway, db));
      if (scale) {
        scaleOutAndFailover(cluster, four, clients, seconds, putLatency);
      } else {
        awaitWrites(gateway, four, Duration.ofSeconds(60));
      }
      idle(cluster, dbs, active, quietSeconds);
    }
    System.exit(0);
  }

  /** Parts 1 and 2: writes/s with one writer then two, under S3 latency; then a writer killed. */
  private static void scaleOutAndFailover(
      ChaosCluster cluster, List<String> four, int clients, int seconds, double putLatency)
      throws Exception {
    URI gateway = cluster.gateway();
    {

      // 1. Scale-out under S3 latency.
      cluster.s3().set(new S3FaultProxy.Faults(putLatency, 0.5, 0, 0));
      System.out.printf(
          Locale.ROOT, "S3 requests held a lognormal time of median %.0f ms%n", putLatency);
      cluster.kill("writer-2");
      awaitWrites(gateway, four, Duration.ofSeconds(60));
      load(gateway, four, clients, Duration.ofSeconds(5)); // warm-up
      // One database with its quarter of the clients: how far one writer process is from running
      // the four databases' pipelines side by side.
      Map<String, Double> cpu = cluster.cpuSeconds();
      double single =
          load(gateway, four.subList(0, 1), clients / four.size(), Duration.ofSeconds(seconds));
      System.out.printf(
          Locale.ROOT,
          "1 writer:  %.0f writes/s on 1 database with %d clients; CPU: %s%n",
          single,
          clients / four.size(),
          cpuDelta(cpu, cluster.cpuSeconds(), seconds));
      cpu = cluster.cpuSeconds();
      double one = load(gateway, four, clients, Duration.ofSeconds(seconds));
      System.out.printf(
          Locale.ROOT,
          "1 writer:  %.0f writes/s over %d databases: %.2fx one database; CPU: %s%n",
          one,
          four.size(),
          one / single,
          cpuDelta(cpu, cluster.cpuSeconds(), seconds));
      cluster.start("writer-2");
      long joined = System.nanoTime();
      while (holders(cluster, four).getOrDefault("writer-2", 0) == 0) {
        Thread.sleep(200);
        if (System.nanoTime() - joined > Duration.ofSeconds(60).toNanos()) {
          throw new IllegalStateException("writer-2 took no database in 60 s");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "writer-2 took a share %d ms after its start: %s%n",
          (System.nanoTime() - joined) / 1_000_000,
          holders(cluster, four));
      awaitWrites(gateway, four, Duration.ofSeconds(60));
      load(gateway, four, clients, Duration.ofSeconds(5));
      cpu = cluster.cpuSeconds();
      double two = load(gateway, four, clients, Duration.ofSeconds(seconds));
      System.out.printf(
          Locale.ROOT,
          "2 writers: %.0f writes/s over %d databases: %.2fx one writer; CPU: %s%n",
          two,
          four.size(),
          two / one,
          cpuDelta(cpu, cluster.cpuSeconds(), seconds));
      cluster.s3().set(S3FaultProxy.Faults.NONE);

      // 2. Failover.
      AtomicBoolean stop = new AtomicBoolean();
      Thread background =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      writeUntil(gateway, four, 8, "bg", 100, stop::get);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      Thread.sleep(2000);
      Map<String, String> owner = owners(cluster, four);
      String victim = owner.values().iterator().next();
      List<String> moved = four.stream().filter(db -> victim.equals(owner.get(db))).toList();
      cluster.kill(victim);
      long killed = System.nanoTime();
      for (String db : moved) {
        while (!write(gateway, db, "failover-probe", "x")) {
          Thread.sleep(20);
        }
        System.out.printf(
            Locale.ROOT,
            "failover: database %s took writes %d ms after %s was killed%n",
            db,
            (System.nanoTime() - killed) / 1_000_000,
            victim);
      }
      stop.set(true);
      background.join();
      cluster.start(victim);
    }
  }

  /**
   * Part 3: the cluster with its 5 databases idle, then with {@code dbs} more, all quiet; then
   * {@code active} of them written while the others stay idle; and a reader's memory before and
   * after a read in every database.
   */
  private static void idle(ChaosCluster cluster, int dbs, int active, int quietSeconds)
      throws Exception {
    URI gateway = cluster.gateway();
    System.out.println("letting the 5 databases settle for 60 s ...");
    Thread.sleep(60_000);
    quiet(cluster, "5 databases idle", quietSeconds);
    List<String> idle = new ArrayList<>();
    for (int i = 0; i < dbs; i++) {
      idle.add("idle-" + i);
    }
    long t0 = System.nanoTime();
    forEachInParallel(idle, 8, db -> create(gateway, db), "created");
    System.out.printf(
        Locale.ROOT, "created %d databases in %.0f s%n", dbs, (System.nanoTime() - t0) / 1e9);
    List<String> written = idle.subList(0, active);
    awaitWrites(gateway, written, Duration.ofSeconds(120));
    System.out.println("letting every database settle (parking, first GC passes) for 90 s ...");
    Thread.sleep(90_000);
    quiet(cluster, "all " + (dbs + 5) + " databases idle", quietSeconds);
    System.out.println(
        "compactor: " + metricLines(cluster, "compactor", "objectkv_compactor_databases"));
    System.out.println("health: " + health(cluster));

    cluster.s3().resetCounts();
    Map<String, Double> before = cluster.cpuSeconds();
    double rate = load(gateway, written, 16, Duration.ofSeconds(quietSeconds));
    Map<String, Long> byDb = cluster.s3().requestsByDatabase();
    long idleRequests =
        byDb.entrySet().stream()
            .filter(e -> e.getKey().startsWith("idle-"))
            .filter(e -> !written.contains(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    long activeRequests =
        byDb.entrySet().stream()
            .filter(e -> written.contains(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    System.out.printf(
        Locale.ROOT,
        "%d active of %d: %.0f writes/s; S3 requests: %d by the active databases, %d by the %d"
            + " idle ones; CPU: %s%n",
        active,
        dbs,
        rate,
        activeRequests,
        idleRequests,
        dbs - active,
        cpuDelta(before, cluster.cpuSeconds(), quietSeconds));

    // A reader opens a database on its first read and keeps a bounded number open.
    System.out.printf(
        Locale.ROOT,
        "reader-1 resident memory before reads in every database: %d MiB%n",
        cluster.residentBytes("reader-1") >> 20);
    t0 = System.nanoTime();
    forEachInParallel(
        idle,
        8,
        db -> {
          HttpResponse<String> r = send(gateway, "GET", "/v1/db/" + db + "/kv/ready", null);
          if (r == null || (r.statusCode() != 200 && r.statusCode() != 404)) {
            throw new IllegalStateException("read in " + db + ": " + (r == null ? "" : r.body()));
          }
        },
        "read in");
    System.out.printf(
        Locale.ROOT,
        "read a key in each of %d databases in %.0f s; reader-1 resident memory after: %d MiB%n",
        dbs,
        (System.nanoTime() - t0) / 1e9,
        cluster.residentBytes("reader-1") >> 20);
    System.out.println("health: " + health(cluster));
  }

  /** Runs {@code action} for every name on {@code threads} threads, with progress. */
  private static void forEachInParallel(
      List<String> names, int threads, java.util.function.Consumer<String> action, String what)
      throws InterruptedException {
    AtomicLong next = new AtomicLong();
    AtomicLong done = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<RuntimeException> failed =
        new java.util.concurrent.atomic.AtomicReference<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long i = next.getAndIncrement();
                        i < names.size() && failed.get() == null;
                        i = next.getAndIncrement()) {
                      try {
                        action.accept(names.get((int) i));
                      } catch (RuntimeException e) {
                        failed.compareAndSet(null, e);
                      }
                      long n = done.incrementAndGet();
                      if (n % 100 == 0) {
                        System.out.printf(Locale.ROOT, "%s %d databases%n", what, n);
                      }
                    }
                  }));
    }
    for (Thread t : workers) {
      t.join();
    }
    if (failed.get() != null) {
      throw failed.get();
    }
  }

  /** Each running part's /health status code (200: healthy). */
  private static Map<String, Integer> health(ChaosCluster cluster) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    for (String part : cluster.parts()) {
      if (cluster.isRunning(part)) {
        HttpResponse<String> r = send(cluster.uri(part), "GET", "/health", null);
        out.put(part, r == null ? -1 : r.statusCode());
      }
    }
    return out;
  }

  /** The lines of a part's /metrics that start with {@code prefix}. */
  private static String metricLines(ChaosCluster cluster, String part, String prefix) {
    HttpResponse<String> r = send(cluster.uri(part), "GET", "/metrics", null);
    if (r == null || r.statusCode() != 200) {
      return "(no /metrics)";
    }
    return r.body().lines().filter(l -> l.startsWith(prefix)).toList().toString();
  }

  /** S3 requests and CPU of the whole cluster over a quiet window. */
  private static void quiet(ChaosCluster cluster, String what, int seconds) throws Exception {
    cluster.s3().resetCounts();
    Map<String, Double> before = cluster.cpuSeconds();
    Thread.sleep(seconds * 1000L);
    Map<String, Double> after = cluster.cpuSeconds();
    System.out.printf(
        Locale.ROOT,
        "%s for %d s: S3 requests %s (by database %s); CPU: %s%n",
        what,
        seconds,
        cluster.s3().requestsByKind(),
        cluster.s3().requestsByDatabase(),
        cpuDelta(before, after, seconds));
  }

  private static String cpuDelta(Map<String, Double> before, Map<String, Double> after, int s) {
    StringBuilder sb = new StringBuilder();
    double total = 0;
    for (var e : after.entrySet()) {
      double cores = (e.getValue() - before.getOrDefault(e.getKey(), 0.0)) / s;
      total += cores;
      sb.append(String.format(Locale.ROOT, "%s %.3f, ", e.getKey(), cores));
    }
    return sb.append(String.format(Locale.ROOT, "total %.3f cores", total)).toString();
  }

  private static void create(URI gateway, String db) {
    HttpResponse<String> r = send(gateway, "PUT", "/v1/db/" + db, null);
    if (r == null || (r.statusCode() != 200 && r.statusCode() != 201)) {
      throw new IllegalStateException("cannot create " + db + ": " + (r == null ? "" : r.body()));
    }
  }

  private static boolean write(URI gateway, String db, String key, String value) {
    HttpResponse<String> r = send(gateway, "PUT", "/v1/db/" + db + "/kv/" + key, value);
    return r != null && r.statusCode() == 200;
  }

  private static HttpResponse<String> send(URI gateway, String method, String path, String body) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(gateway.resolve(path))
              .timeout(Duration.ofSeconds(30))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void awaitWrites(URI gateway, List<String> dbs, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (String db : dbs) {
      while (!write(gateway, db, "ready", "1")) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("database " + db + " takes no writes");
        }
        Thread.sleep(100);
      }
    }
  }

  /** Writes/s of {@code clients} closed-loop clients, spread over the databases. */
  private static double load(URI gateway, List<String> dbs, int clients, Duration d)
      throws InterruptedException {
    long end = System.nanoTime() + d.toNanos();
    long done = writeUntil(gateway, dbs, clients, "k", 1000, () -> System.nanoTime() >= end);
    return done / (d.toNanos() / 1e9);
  }

  /**
   * {@code clients} closed-loop clients, spread over the databases, each writing its own {@code
   * keys} keys until {@code stop} says so.
   *
   * @return the writes acknowledged
   */
  private static long writeUntil(
      URI gateway,
      List<String> dbs,
      int clients,
      String prefix,
      int keys,
      java.util.function.BooleanSupplier stop)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      String db = dbs.get(c % dbs.size());
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; !stop.getAsBoolean(); i++) {
                      if (write(gateway, db, prefix + client + "-" + (i % keys), "v" + i)) {
                        done.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return done.get();
  }

  /** Which writer holds each database (by its status), for those a writer answers for. */
  private static Map<String, String> owners(ChaosCluster cluster, List<String> dbs) {
    Map<String, String> out = new HashMap<>();
    for (String w : List.of("writer-1", "writer-2")) {
      if (!cluster.isRunning(w)) {
        continue;
      }
      for (String db : dbs) {
        HttpResponse<String> r = send(cluster.uri(w), "GET", "/v1/db/" + db + "/status", null);
        if (r != null && r.statusCode() == 200) {
          out.put(db, w);
        }
      }
    }
    return out;
  }

  private static Map<String, Integer> holders(ChaosCluster cluster, List<String> dbs) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    owners(cluster, dbs).values().forEach(w -> out.merge(w, 1, Integer::sum));
    return out;
  }
}
