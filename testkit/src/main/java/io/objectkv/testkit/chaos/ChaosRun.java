package io.objectkv.testkit.chaos;

import io.objectkv.testkit.history.Call;
import io.objectkv.testkit.history.History;
import io.objectkv.testkit.history.Linearizability;
import io.objectkv.testkit.history.Operation;
import io.objectkv.testkit.history.Result;
import io.objectkv.testkit.history.SnapshotReads;
import io.objectkv.testkit.history.WatchCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A chaos run: a {@link ChaosCluster}, clients recording a history, a {@link Nemesis} injecting
 * faults; then every fault is healed, every replica is read, and checkers, not expectations, judge
 * the history: linearizability per key, reads against the log order (snapshots), acknowledged
 * writes still present, replicas in agreement.
 */
public final class ChaosRun {
  private ChaosRun() {}

  /**
   * @param settings extra environment for every process
   */
  public record Options(
      Path dir,
      long seed,
      Duration duration,
      int clients,
      int keys,
      Set<Nemesis.Fault> faults,
      Duration quiet,
      Duration down,
      Map<String, String> settings) {}

  /** What a run found. */
  public record Report(
      String text,
      int operations,
      List<Linearizability.Verdict> anomalies,
      int inconclusive,
      List<SnapshotReads.Violation> snapshotViolations,
      long lostAcknowledged,
      List<String> disagreements,
      List<String> watchProblems,
      List<Nemesis.Event> events) {
    public boolean passed() {
      return anomalies.isEmpty()
          && snapshotViolations.isEmpty()
          && lostAcknowledged == 0
          && disagreements.isEmpty()
          && watchProblems.isEmpty();
    }
  }

  public static Report run(Options o) throws Exception {
    Files.createDirectories(o.dir());
    List<Path> caches =
        List.of(o.dir().resolve("reader-1-cache"), o.dir().resolve("reader-2-cache"));
    Path diskFull = null;
    if (o.faults().contains(Nemesis.Fault.READER_DISK_FULL)) {
      diskFull = SmallDisk.mount(caches.getFirst(), 16 << 20);
      if (diskFull == null) {
        System.out.println("chaos: cannot mount a small file system here; READER_DISK_FULL is off");
      }
    }
    History history = new History();
    ChaosClient.Tally tally = new ChaosClient.Tally();
    List<String> keys = IntStream.range(0, o.keys()).mapToObj(i -> "k" + i).toList();
    List<Nemesis.Event> events;
    Map<String, Result.Value> finals = new TreeMap<>();
    List<String> disagreements = new ArrayList<>();
    Map<String, Long> s3;
    ChaosWatcher watcher;
    try (ChaosCluster cluster = new ChaosCluster(o.dir(), o.seed(), o.settings(), caches)) {
      awaitFirstWrite(cluster.gateway());
      watcher = new ChaosWatcher(cluster.gateway(), "k");
      Thread watching = Thread.ofPlatform().name("watcher").start(watcher);
      System.out.printf(
          "chaos: cluster up; %d clients on %d keys for %s, seed %d%n",
          o.clients(), o.keys(), o.duration(), o.seed());
      List<ChaosClient> clients = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < o.clients(); i++) {
        ChaosClient c =
            new ChaosClient(
                i,
                cluster.gateway(),
                keys,
                history,
                tally,
                o.seed() * 1000 + i,
                Duration.ofSeconds(30));
        clients.add(c);
        threads.add(Thread.ofPlatform().name("client-" + i).start(c));
      }
      Nemesis nemesis = new Nemesis(cluster, o.seed(), o.faults(), o.quiet(), o.down(), diskFull);
      Thread nemesisThread = Thread.ofPlatform().name("nemesis").start(nemesis);
      long runStart = System.nanoTime();
      long end = runStart + o.duration().toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(10_000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        System.out.printf(
            "chaos: %3d s, %d operations recorded, %d faults%n",
            (System.nanoTime() - runStart) / 1_000_000_000,
            history.operations().size(),
            nemesis.events().size());
      }
      nemesis.stop();
      nemesisThread.join();
      cluster.s3().set(S3FaultProxy.Faults.NONE);
      for (String part : cluster.parts()) {
        if (!cluster.isRunning(part)) {
          cluster.start(part);
        }
      }
      // Healed: the clients go on for a while, then stop.
      Thread.sleep(5_000);
      clients.forEach(ChaosClient::stop);
      for (Thread t : threads) {
        t.join();
      }
      watcher.stopAt(newestAcknowledged(history.operations()), Duration.ofSeconds(60));
      watching.join();
      events = nemesis.events();
      finalReads(cluster, keys, history, finals, disagreements);
      s3 = cluster.s3().counts();
    } finally {
      if (diskFull != null) {
        SmallDisk.unmount(diskFull);
      }
    }
    return judge(o, history, tally, events, finals, disagreements, watcher, s3);
  }

  private static long newestAcknowledged(List<Operation> ops) {
    return ops.stream()
        .filter(op -> op.result() instanceof Result.Ok)
        .mapToLong(op -> ((Result.Ok) op.result()).version())
        .max()
        .orElse(-1);
  }

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static void awaitFirstWrite(URI gateway) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(gateway.resolve("/v1/kv/warm-up"))
                    .timeout(Duration.ofSeconds(10))
                    .PUT(HttpRequest.BodyPublishers.ofString("1"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the cluster did not take a write within 90 s");
  }

  /**
   * Reads every key strongly through the gateway (part of the history), then from every replica at
   * least at that version: all must agree.
   */
  private static void finalReads(
      ChaosCluster cluster,
      List<String> keys,
      History history,
      Map<String, Result.Value> finals,
      List<String> disagreements)
      throws Exception {
    for (String k : keys) {
      Result.Read seen = null;
      for (int attempt = 0; attempt < 30 && seen == null; attempt++) {
        long invoked = System.nanoTime();
        seen = get(cluster.gateway(), k, "consistency=strong");
        if (seen != null) {
          history.record(-1, new Call.Read(k, true), seen, invoked, System.nanoTime());
        } else {
          Thread.sleep(1000);
        }
      }
      if (seen == null) {
        disagreements.add(k + ": the gateway gave no strong read after healing");
        continue;
      }
      finals.put(k, seen.value());
      for (URI reader : cluster.readers()) {
        Result.Read r = get(reader, k, "minVersion=" + seen.appliedVersion());
        if (r == null || !java.util.Objects.equals(r.value(), seen.value())) {
          disagreements.add(
              k
                  + ": "
                  + reader
                  + " says "
                  + (r == null ? "nothing" : r.value())
                  + ", the gateway "
                  + seen.value());
        }
      }
    }
  }

  private static Result.Read get(URI base, String key, String query) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve("/v1/kv/" + key + "?" + query))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      long applied =
          r.headers().firstValue("X-ObjectKV-Applied-Version").map(Long::parseLong).orElse(-1L);
      if (r.statusCode() == 200) {
        long v = Long.parseLong(r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
        return new Result.Read(new Result.Value(r.body(), v), applied);
      }
      boolean absent =
          r.statusCode() == 404 && r.headers().firstValue("X-ObjectKV-Applied-Version").isPresent();
      return absent ? new Result.Read(new Result.Value(null, -1), applied) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Report judge(
      Options o,
      History history,
      ChaosClient.Tally tally,
      List<Nemesis.Event> events,
      Map<String, Result.Value> finals,
      List<String> disagreements,
      ChaosWatcher watcher,
      Map<String, Long> s3) {
    List<Operation> ops = history.operations();
    Set<String> keys =
        IntStream.range(0, o.keys()).mapToObj(i -> "k" + i).collect(Collectors.toSet());
    List<String> watchProblems =
        new ArrayList<>(
            WatchCheck.check(
                ops, watcher.seen(), watcher.startedAfter(), watcher.position(), keys::contains));
    if (watcher.failure() != null) {
      watchProblems.add("the watch ended: " + watcher.failure());
    }
    long newest = newestAcknowledged(ops);
    if (watcher.position() < newest) {
      watchProblems.add(
          "the watch reached version " + watcher.position() + ", not the newest write " + newest);
    }
    long checkStart = System.nanoTime();
    List<Linearizability.Verdict> verdicts = Linearizability.check(ops, 20_000_000);
    List<Linearizability.Verdict> anomalies =
        verdicts.stream().filter(v -> v instanceof Linearizability.Verdict.Anomaly).toList();
    int inconclusive =
        (int)
            verdicts.stream()
                .filter(v -> v instanceof Linearizability.Verdict.Inconclusive)
                .count();
    List<SnapshotReads.Violation> snapshots = SnapshotReads.check(ops);
    long checkMillis = (System.nanoTime() - checkStart) / 1_000_000;
    long lost = lostAcknowledged(ops, finals);

    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "chaos run, seed %d, %s, %d clients, %d keys%n",
            o.seed(), o.duration(), o.clients(), o.keys()));
    out.append(String.format("operations recorded: %d%n", ops.size()));
    tally.snapshot().forEach((k, v) -> out.append(String.format("  %-40s %d%n", k, v)));
    Map<Nemesis.Fault, List<Nemesis.Event>> byKind = new EnumMap<>(Nemesis.Fault.class);
    events.forEach(e -> byKind.computeIfAbsent(e.fault(), k -> new ArrayList<>()).add(e));
    out.append(String.format("faults injected: %d%n", events.size()));
    out.append(
        String.format(
            "  %-20s %5s %22s %22s %16s %12s%n",
            "fault",
            "count",
            "write unavail. ms",
            "read unavail. ms",
            "restart ms",
            "failed reads"));
    for (var e : byKind.entrySet()) {
      List<Long> w = new ArrayList<>();
      List<Long> r = new ArrayList<>();
      List<Long> restart = new ArrayList<>();
      long failedReads = 0;
      for (Nemesis.Event ev : e.getValue()) {
        // A killed writer's standby takes over while it is down; anything else is measured from
        // when it was started again (the broker: from answering again).
        long from =
            switch (e.getKey()) {
              case KILL_KAFKA -> ev.healedNanos();
              case KILL_GATEWAY -> ev.restartingNanos();
              default -> ev.startNanos();
            };
        w.add(firstSuccess(ops, from, true));
        r.add(firstSuccess(ops, from, false));
        if (ev.restartMillis() >= 0) {
          restart.add(ev.restartMillis());
        }
        failedReads +=
            tally.readFailures().stream()
                .filter(t -> t >= ev.startNanos() && t <= ev.healedNanos())
                .count();
      }
      out.append(
          String.format(
              "  %-20s %5d %22s %22s %16s %12d%n",
              e.getKey(), e.getValue().size(), spread(w), spread(r), spread(restart), failedReads));
    }
    out.append(
        "  (write unavailability: from the fault (KILL_KAFKA: from the broker answering again;\n");
    out.append(
        "   KILL_GATEWAY: from its start) to the first acknowledged write sent after it; read: the same\n");
    out.append(
        "   for reads; restart: process start to answering /health; failed reads: during the fault)\n");
    out.append(String.format("S3 requests through the fault proxy: %s%n", s3));
    out.append(
        String.format(
            "linearizability: %d keys, %d anomalies, %d inconclusive (checked in %d ms)%n",
            verdicts.size(), anomalies.size(), inconclusive, checkMillis));
    for (Linearizability.Verdict v : anomalies) {
      out.append("  ANOMALY ").append(v).append('\n');
    }
    out.append(
        String.format(
            "reads against the log order (snapshots, batches): %d violations%n", snapshots.size()));
    snapshots.stream().limit(10).forEach(v -> out.append("  VIOLATION ").append(v).append('\n'));
    out.append(String.format("acknowledged writes lost: %d%n", lost));
    out.append(String.format("replicas disagreeing after healing: %d%n", disagreements.size()));
    disagreements.forEach(d -> out.append("  ").append(d).append('\n'));
    List<WatchCheck.Change> seen = watcher.seen();
    out.append(
        String.format(
            "watch of every key (through the gateway): %d events, %d changes, versions %d..%d;"
                + " %d problems%n",
            seen.stream().mapToLong(WatchCheck.Change::version).distinct().count(),
            seen.size(),
            watcher.startedAfter() + 1,
            watcher.position(),
            watchProblems.size()));
    watchProblems.stream().limit(10).forEach(p -> out.append("  WATCH ").append(p).append('\n'));
    return new Report(
        out.toString(),
        ops.size(),
        anomalies,
        inconclusive,
        snapshots,
        lost,
        disagreements,
        watchProblems,
        events);
  }

  /** Millis from {@code from} to the first success (of a write or a read) sent at or after it. */
  private static long firstSuccess(List<Operation> ops, long from, boolean write) {
    long best = Long.MAX_VALUE;
    for (Operation op : ops) {
      boolean isWrite =
          op.call() instanceof Call.Put
              || op.call() instanceof Call.Delete
              || op.call() instanceof Call.Batch;
      boolean ok = write ? op.result() instanceof Result.Ok : !isWrite;
      if (isWrite == write && ok && op.invokedNanos() >= from && op.client() >= 0) {
        best = Math.min(best, op.completedNanos());
      }
    }
    return best == Long.MAX_VALUE ? -1 : (best - from) / 1_000_000;
  }

  private static String spread(List<Long> v) {
    List<Long> s = v.stream().filter(x -> x >= 0).sorted().toList();
    if (s.isEmpty()) {
      return "-";
    }
    return s.get(s.size() / 2) + " (max " + s.getLast() + ")";
  }

  /**
   * Acknowledged writes the final state does not contain: for each key, those with a version above
   * the final one (or, for a key that reads absent, above its newest acknowledged delete).
   */
  static long lostAcknowledged(List<Operation> ops, Map<String, Result.Value> finals) {
    long lost = 0;
    for (var f : finals.entrySet()) {
      String key = f.getKey();
      long floor = f.getValue().value() != null ? f.getValue().version() : -1;
      if (f.getValue().value() == null) {
        for (Operation op : ops) {
          if (op.call() instanceof Call.Delete d
              && d.key().equals(key)
              && op.result() instanceof Result.Ok ok) {
            floor = Math.max(floor, ok.version());
          }
        }
      }
      for (Operation op : ops) {
        if (op.result() instanceof Result.Ok ok && ok.version() > floor && writes(op.call(), key)) {
          lost++;
        }
      }
    }
    return lost;
  }

  private static boolean writes(Call c, String key) {
    return switch (c) {
      case Call.Put p -> p.key().equals(key);
      case Call.Delete d -> d.key().equals(key);
      case Call.Batch b -> b.keys().contains(key);
      default -> false;
    };
  }
}
