package io.objectkv.bench;

import io.objectkv.core.store.LocalFileObjectStore;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.testkit.ScratchDirs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ObjectKV against etcd on this machine, driven by one client program in one run: the README
 * cluster ({@code ./objectkv local}, local-disk object store) and Debian's etcd on the same disk
 * through its v3 JSON gateway. Each step runs on both, one after the other, and the table gives
 * their ratio, the CPU time every process of each spent per operation, and idle CPU.
 */
public final class VsEtcd {
  private VsEtcd() {}

  enum Kind {
    PUT,
    CAS,
    GET,
    STRONG_GET
  }

  record Step(Kind kind, int clients) {
    String label() {
      return switch (kind) {
            case PUT -> "put";
            case CAS -> "CAS increment, 8 hot counters";
            case GET -> "get (eventual / serializable)";
            case STRONG_GET -> "strong get (linearizable)";
          }
          + ", "
          + clients
          + (clients == 1 ? " client" : " clients");
    }
  }

  /**
   * @param objectPutsPerThousand object-store PUTs of the system's write path per 1,000 operations
   *     (NaN where it has none: etcd, and steps without writes)
   * @param cpuMillisPerOpByProcess the CPU per operation of each of the system's processes
   * @param clientCpuMillisPerOp the CPU per operation of this benchmark's own process, which shares
   *     the machine's cores with the system it drives
   */
  record Outcome(
      double opsPerSecond,
      Latencies latencies,
      long errors,
      double cpuMillisPerOp,
      double objectPutsPerThousand,
      Map<String, Double> cpuMillisPerOpByProcess,
      double clientCpuMillisPerOp) {}

  /**
   * A running system: its driver, the processes whose CPU it costs, and a count of the object PUTs
   * it has made so far (null: it makes none).
   */
  record Contender(KvDriver driver, ProcessHandle root, LongSupplier objectPuts) {
    Map<String, Double> cpuSecondsByProcess() {
      return ProcessCpu.secondsByProcess(root);
    }

    Map<String, Double> compilerSecondsByProcess() {
      return ProcessCpu.compilerSecondsByProcess(root);
    }
  }

  /**
   * The CPU seconds of all processes between two readings of {@link Contender#cpuSecondsByProcess}.
   */
  static double cpuSecondsBetween(Map<String, Double> before, Map<String, Double> after) {
    return ProcessCpu.total(after) - ProcessCpu.total(before);
  }

  /**
   * What each process used between two readings of {@link Contender#cpuSecondsByProcess}, in
   * milliseconds, divided by {@code per}; the largest first, processes that used none left out.
   */
  static Map<String, Double> cpuMillisBetween(
      Map<String, Double> before, Map<String, Double> after, double per) {
    Map<String, Double> used = new LinkedHashMap<>();
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> used.put(e.getKey(), e.getValue() * 1e3 / per));
    return used;
  }

  /** "name 1.23, name 0.45" */
  static String perProcess(Map<String, Double> values) {
    StringJoiner line = new StringJoiner(", ");
    values.forEach((name, v) -> line.add(String.format(Locale.ROOT, "%s %.3f", name, v)));
    return line.toString();
  }

  /** The PUTs of ObjectKV's writer (its L0 objects and snapshots), from its /metrics. */
  static LongSupplier writerPuts(HttpClient http, URI writer) {
    Pattern put =
        Pattern.compile(
            "^objectkv_store_request_seconds_count\\{type=\"(put|put_if_absent)\"\\} (\\S+)$",
            Pattern.MULTILINE);
    return () -> {
      try {
        String text =
            http.send(
                    HttpRequest.newBuilder(writer.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        long n = 0;
        for (Matcher m = put.matcher(text); m.find(); ) {
          n += (long) Double.parseDouble(m.group(2));
        }
        return n;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the writer's metrics at " + writer, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    };
  }

  static final String USAGE =
      """
      usage: bench/run VsEtcd [--seconds 15] [--warmup 60] [--settle 240] [--keys 10000] [--steps put:1,put:16,...]
                          [--rounds 1] [--port-offset 300] [--objectkv-home DIR]  (another checkout's ./objectkv, e.g. to compare builds)
                          [--s3-latency MS]  (ObjectKV's objects in S3Mock behind a proxy holding each request MS at the median)
        steps: put:N, cas:N, get:N, strong:N (N clients); the default runs the table of the
        performance issue. Before them, each system is warmed up with every kind of step for the
        --warmup seconds (0: none), then for up to --settle seconds more (0: none) until its JIT
        compilers use less than 2.5% of a core, so that the JIT's first minutes are not measured. Needs etcd
        (Debian: apt-get install etcd-server) on the PATH or in /usr/bin, and a built tree
        (./objectkv local builds it). --rounds N measures every step N times, etcd first in every
        other round, and ends with each step's median ratio.""";

  public static void main(String[] args) throws Exception {
    int seconds = 15;
    int warmup = 60;
    int settle = 240;
    int keys = 10_000;
    int offset = 300;
    int rounds = 1;
    Path home = Path.of(".");
    Integer s3LatencyMillis = null; // the local-disk store
    List<Step> steps =
        parseSteps("put:1,put:16,put:64,put:256,put:1024,cas:16,get:1,get:64,strong:1,strong:64");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--seconds" -> seconds = wholeNumber(args, ++i, "--seconds", 1);
        case "--warmup" -> warmup = wholeNumber(args, ++i, "--warmup", 0);
        case "--settle" -> settle = wholeNumber(args, ++i, "--settle", 0);
        case "--keys" -> keys = wholeNumber(args, ++i, "--keys", 1);
        case "--steps" -> {
          try {
            steps = parseSteps(++i < args.length ? args[i] : "");
          } catch (IllegalArgumentException e) {
            stopWithUsage(e.getMessage());
          }
        }
        case "--port-offset" -> offset = wholeNumber(args, ++i, "--port-offset", 0);
        case "--rounds" -> rounds = wholeNumber(args, ++i, "--rounds", 1);
        case "--s3-latency" -> s3LatencyMillis = wholeNumber(args, ++i, "--s3-latency", 0);
        case "--objectkv-home" -> {
          if (++i == args.length) {
            stopWithUsage("--objectkv-home takes a directory");
          }
          home = Path.of(args[i]);
        }
        default -> stopWithUsage("unknown option " + args[i]);
      }
    }
    Path etcdBinary = findEtcd();
    Path dir = Files.createTempDirectory("vs-etcd");
    HttpClient http = client();
    List<Process> started = stoppedAtExit();
    SlowS3 s3 = null;
    try {
      int etcdPort = 23790 + offset;
      Process etcd = startEtcd(etcdBinary, dir, etcdPort);
      started.add(etcd);
      int gatewayPort = 8080 + offset;
      List<String> storeOptions = List.of();
      if (s3LatencyMillis != null) {
        s3 = SlowS3.start(dir, s3LatencyMillis);
        storeOptions = s3.localClusterOptions();
        System.out.printf(
            Locale.ROOT,
            "ObjectKV's objects in S3Mock, each request held for a lognormal time of median %d ms%n",
            s3LatencyMillis);
      }
      Process objectkv = startObjectKv(home, dir, offset, storeOptions.toArray(String[]::new));
      started.add(objectkv);
      URI etcdUri = URI.create("http://127.0.0.1:" + etcdPort);
      URI gatewayUri = URI.create("http://127.0.0.1:" + gatewayPort);
      awaitHealthy(http, etcdUri.resolve("/health"), etcd, Duration.ofSeconds(30));
      awaitHealthy(http, gatewayUri.resolve("/health"), objectkv, Duration.ofMinutes(10));
      List<Contender> systems =
          List.of(
              new Contender(
                  new KvDriver.ObjectKv(http, gatewayUri),
                  objectkv.toHandle(),
                  writerPuts(http, URI.create("http://127.0.0.1:" + (8090 + offset)))),
              new Contender(new KvDriver.Etcd(http, etcdUri), etcd.toHandle(), null));

      for (Contender s : systems) {
        long t = System.nanoTime();
        load(s.driver(), keys);
        System.out.printf(
            Locale.ROOT,
            "%s: loaded %d keys of 100 bytes in %.1f s%n",
            s.driver().name(),
            keys,
            (System.nanoTime() - t) / 1e9);
      }
      for (Contender s : systems) {
        warmUp(s, keys, Duration.ofSeconds(warmup));
        settle(s, keys, Duration.ofSeconds(settle));
      }
      Floor.Result floor = floor(dir, 9092 + offset, s3);
      System.out.printf(Locale.ROOT, "floor of one write on these servers: %s%n", floor.summary());
      double[] idle = new double[systems.size()];
      Thread.sleep(5_000); // let the load's after-effects (compaction, JIT) settle
      Map<String, Double> idleByProcess = Map.of();
      for (int i = 0; i < systems.size(); i++) {
        Map<String, Double> before = systems.get(i).cpuSecondsByProcess();
        Thread.sleep(10_000);
        Map<String, Double> after = systems.get(i).cpuSecondsByProcess();
        idle[i] = cpuSecondsBetween(before, after) / 10.0;
        if (i == 0) {
          // CPU milliseconds per millisecond of the 10 s: cores
          idleByProcess = cpuMillisBetween(before, after, 10_000);
        }
      }
      System.out.printf(
          Locale.ROOT,
          "idle CPU: ObjectKV %.3f cores (%s), etcd %.3f cores (10 s each)%n",
          idle[0],
          perProcess(idleByProcess),
          idle[1]);

      List<List<Outcome[]>> tables = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        if (rounds > 1) {
          System.out.printf(Locale.ROOT, "%nround %d of %d%n", round, rounds);
        }
        // Every other round etcd goes first, so that neither system always runs on the heels
        // of the other's load (compaction, GC and page cache it left behind).
        boolean etcdFirst = round % 2 == 0;
        List<Outcome[]> table = new ArrayList<>();
        for (Step step : steps) {
          Outcome[] row = new Outcome[systems.size()];
          for (int k = 0; k < systems.size(); k++) {
            int i = etcdFirst ? systems.size() - 1 - k : k;
            run(systems.get(i), step, keys, Duration.ofSeconds(Math.min(3, seconds))); // warm-up
            row[i] = run(systems.get(i), step, keys, Duration.ofSeconds(seconds));
            printStep(step, systems.get(i), row[i]);
          }
          table.add(row);
        }
        printTable(steps, table, floor, idle);
        tables.add(table);
      }
      if (rounds > 1) {
        printMedians(steps, tables);
      }
    } finally {
      stopAll(started);
      if (s3 != null) {
        s3.close();
      }
      // Logs stay; data and class archives (0.5-1 GB a run) would fill the disk.
      for (String data :
          List.of(
              "objectkv/kafka", "objectkv/objects", "objectkv/jvm", "etcd", "floor", "s3mock")) {
        ScratchDirs.delete(dir.resolve(data));
      }
    }
    System.exit(0);
  }

  /** The value of {@code option} at {@code args[i]}; a missing or bad one stops with the usage. */
  private static int wholeNumber(String[] args, int i, String option, int least) {
    String value = i < args.length ? args[i] : "nothing";
    try {
      int n = Integer.parseInt(value);
      if (n >= least) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    stopWithUsage(option + " takes a whole number, " + least + " or more (got " + value + ")");
    throw new AssertionError("exited");
  }

  /** Stops the benchmark before it starts anything: what was wrong, then the usage; exit code 2. */
  private static void stopWithUsage(String reason) {
    System.err.println(reason + "\n" + USAGE);
    System.exit(2);
  }

  static List<Step> parseSteps(String spec) {
    List<Step> steps = new ArrayList<>();
    for (String s : spec.split(",")) {
      String[] p = s.split(":");
      Kind kind =
          switch (p[0]) {
            case "put" -> Kind.PUT;
            case "cas" -> Kind.CAS;
            case "get" -> Kind.GET;
            case "strong" -> Kind.STRONG_GET;
            default -> throw new IllegalArgumentException("unknown step " + s);
          };
      int clients;
      try {
        clients = Integer.parseInt(p.length == 2 ? p[1] : "");
      } catch (NumberFormatException e) {
        clients = 0;
      }
      if (clients < 1) {
        throw new IllegalArgumentException("a step is KIND:CLIENTS, 1 client or more: got " + s);
      }
      steps.add(new Step(kind, clients));
    }
    return steps;
  }

  static Path findEtcd() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "etcd");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Path debian = Path.of("/usr/bin/etcd");
    if (Files.isExecutable(debian)) {
      return debian;
    }
    System.err.println(
        "etcd is not installed: on Debian run `apt-get install etcd-server` (as root), or put an"
            + " etcd 3.4+ binary on the PATH");
    System.exit(2);
    return null;
  }

  static Process startEtcd(Path binary, Path dir, int port) throws IOException {
    String client = "http://127.0.0.1:" + port;
    String peer = "http://127.0.0.1:" + (port + 1);
    return new ProcessBuilder(
            binary.toString(),
            "--name",
            "bench",
            "--data-dir",
            dir.resolve("etcd").toString(),
            "--listen-client-urls",
            client,
            "--advertise-client-urls",
            client,
            "--listen-peer-urls",
            peer,
            "--initial-advertise-peer-urls",
            peer,
            "--initial-cluster",
            "bench=" + peer,
            "--logger",
            "zap",
            "--log-level",
            "warn")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("etcd.log").toFile())
        .start();
  }

  static Process startObjectKv(Path home, Path dir, int offset, String... more) throws IOException {
    System.out.println("starting ./objectkv local (logs in " + dir.resolve("objectkv") + ")");
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            home.resolve("objectkv").toString(),
            "local",
            "--data-dir",
            dir.resolve("objectkv").toString(),
            "--port-offset",
            Integer.toString(offset)));
    command.addAll(List.of(more));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("objectkv.log").toFile())
        .start();
  }

  static void awaitHealthy(HttpClient http, URI health, Process process, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            health + ": the process exited with code " + process.exitValue() + "; see its log");
      }
      try {
        if (http.send(
                    HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(health + " not healthy after " + limit);
  }

  /** The benchmark's HTTP/1.1 client, as every system is driven. */
  static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** A list of processes that are stopped when the benchmark exits, however it exits. */
  static List<Process> stoppedAtExit() {
    List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(started)));
    return started;
  }

  static void stopAll(List<Process> processes) {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroy(); // SIGTERM: ./objectkv local stops its children in its shutdown hook
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static String key(int k) {
    return String.format(Locale.ROOT, "user%08d", k);
  }

  static final String VALUE = "v".repeat(100);

  static void load(KvDriver driver, int keys) throws Exception {
    AtomicLong next = new AtomicLong();
    List<Thread> threads = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int c = 0; c < 64; c++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (long k; (k = next.getAndIncrement()) < keys; ) {
                      try {
                        driver.put(key((int) k), VALUE);
                      } catch (Exception e) {
                        synchronized (failures) {
                          failures.add(e);
                        }
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(
          driver.name() + ": " + failures.size() + " loading puts failed", failures.getFirst());
    }
  }

  /** Every kind of step, each for a share of the time; warm-up runs this before any measuring. */
  static final List<Step> WARM_UP =
      List.of(
          new Step(Kind.PUT, 64),
          new Step(Kind.CAS, 16),
          new Step(Kind.GET, 64),
          new Step(Kind.STRONG_GET, 64));

  /**
   * Runs every kind of operation for a while before the measured steps, so that they compare
   * systems at work, not a JVM's JIT compiling its hot code in the first minutes (a deployment pays
   * that once per start). The CPU it took is printed, so that cost stays in sight.
   */
  static void warmUp(Contender system, int keys, Duration total) throws Exception {
    if (total.isZero()) {
      return;
    }
    Map<String, Double> before = system.cpuSecondsByProcess();
    String rates = warmUpRound(system, keys, total);
    Map<String, Double> after = system.cpuSecondsByProcess();
    System.out.printf(
        Locale.ROOT,
        "%s: warmed up for %d s (%s), CPU %.1f s (%s)%n",
        system.driver().name(),
        total.toSeconds(),
        rates,
        cpuSecondsBetween(before, after),
        perProcess(cpuMillisBetween(before, after, 1000)));
  }

  /** Every step of {@link #WARM_UP}, for a share of {@code total} each; their rates. */
  private static String warmUpRound(Contender system, int keys, Duration total) throws Exception {
    StringJoiner rates = new StringJoiner(", ");
    for (Step step : WARM_UP) {
      Outcome o = run(system, step, keys, total.dividedBy(WARM_UP.size()));
      rates.add(
          String.format(
              Locale.ROOT, "%s:%d %.0f/s", step.kind(), step.clients(), o.opsPerSecond()));
    }
    return rates.toString();
  }

  /** A round of {@link #settle}: every kind of warm-up step for 5 s. */
  private static final Duration SETTLE_ROUND = Duration.ofSeconds(20);

  /** JIT compiler CPU in a round below which the JIT counts as settled: 2.5% of a core. */
  private static final double SETTLED_COMPILER_SECONDS = 0.5;

  /**
   * Goes on warming up, a {@link #SETTLE_ROUND} at a time, until the system's JIT compilers (summed
   * over its processes) use less than {@value #SETTLED_COMPILER_SECONDS} s of CPU in a round, for
   * at most {@code most}. A minute of mixed load leaves the replicas' C2 compilers busy for minutes
   * more on two cores (0.14 cores in one replica 2 minutes after start, under CAS), and the steps
   * then measure compiling, which a deployment pays once per start.
   */
  static void settle(Contender system, int keys, Duration most) throws Exception {
    long deadline = System.nanoTime() + most.toNanos();
    int rounds = 0;
    while (System.nanoTime() < deadline) {
      Map<String, Double> before = system.compilerSecondsByProcess();
      if (before.values().stream().allMatch(v -> v == 0)) {
        return; // no JIT (etcd), or not on Linux
      }
      String rates = warmUpRound(system, keys, SETTLE_ROUND);
      rounds++;
      Map<String, Double> after = system.compilerSecondsByProcess();
      double compiling = cpuSecondsBetween(before, after);
      System.out.printf(
          Locale.ROOT,
          "%s: %d s more (%s), JIT compilers used %.1f s of CPU (%s)%s%n",
          system.driver().name(),
          SETTLE_ROUND.toSeconds(),
          rates,
          compiling,
          perProcess(cpuMillisBetween(before, after, 1000)),
          compiling < SETTLED_COMPILER_SECONDS ? ": settled" : "");
      if (compiling < SETTLED_COMPILER_SECONDS) {
        return;
      }
    }
    if (rounds > 0) {
      System.out.printf(
          Locale.ROOT,
          "%s: JIT still compiling after %d s more; measuring anyway%n",
          system.driver().name(),
          most.toSeconds());
    }
  }

  static Outcome run(Contender system, Step step, int keys, Duration duration) throws Exception {
    KvDriver driver = system.driver();
    List<Latencies> parts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    Map<String, Double> cpuBefore = system.cpuSecondsByProcess();
    double clientCpuBefore = ProcessCpu.seconds(ProcessHandle.current().pid());
    boolean writes = step.kind() == Kind.PUT || step.kind() == Kind.CAS;
    long putsBefore = writes && system.objectPuts() != null ? system.objectPuts().getAsLong() : 0;
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    for (int c = 0; c < step.clients(); c++) {
      Latencies mine = new Latencies();
      parts.add(mine);
      SplittableRandom random = new SplittableRandom(c * 31L + step.kind().ordinal());
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      long t = System.nanoTime();
                      try {
                        String k = key(random.nextInt(keys));
                        switch (step.kind()) {
                          case PUT -> driver.put(k, VALUE);
                          case GET -> driver.get(k);
                          case STRONG_GET -> driver.strongGet(k);
                          case CAS -> {
                            String counter = "counter-" + random.nextInt(8);
                            while (!driver.tryIncrement(counter)) {
                              if (System.nanoTime() >= deadline) {
                                return;
                              }
                            }
                          }
                        }
                        mine.record(System.nanoTime() - t);
                      } catch (Exception e) {
                        errors.incrementAndGet();
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    Map<String, Double> cpuAfter = system.cpuSecondsByProcess();
    double clientCpuMillis =
        (ProcessCpu.seconds(ProcessHandle.current().pid()) - clientCpuBefore) * 1e3;
    double cpu = cpuSecondsBetween(cpuBefore, cpuAfter);
    Latencies all = Latencies.merge(parts);
    double puts =
        writes && system.objectPuts() != null && all.count() > 0
            ? (system.objectPuts().getAsLong() - putsBefore) * 1000.0 / all.count()
            : Double.NaN;
    return new Outcome(
        all.count() / elapsed,
        all,
        errors.get(),
        all.count() == 0 ? 0 : cpu * 1e3 / all.count(),
        puts,
        cpuMillisBetween(cpuBefore, cpuAfter, Math.max(1, all.count())),
        clientCpuMillis / Math.max(1, all.count()));
  }

  /**
   * The floor of one ObjectKV write on these servers: a PUT of a small object into its store (a
   * local-disk store on the same disk, or {@code s3} when not null) plus a produce to the cluster's
   * Kafka broker, one after the other.
   */
  static Floor.Result floor(Path dir, int kafkaPort, SlowS3 s3) throws Exception {
    try (ObjectStore store =
        s3 != null
            ? s3.store("floor")
            : new LocalFileObjectStore(dir.resolve("floor"), InstantSource.system())) {
      return Floor.measure(store, "127.0.0.1:" + kafkaPort, "vs-etcd-floor", 500, 1024);
    }
  }

  private static void printStep(Step step, Contender system, Outcome o) {
    System.out.printf(
        Locale.ROOT,
        "%-45s %-8s %8.0f ops/s  %s  errors %d  CPU %.3f ms/op (client %.3f)%n",
        step.label(),
        system.driver().name(),
        o.opsPerSecond(),
        o.latencies().summary(),
        o.errors(),
        o.cpuMillisPerOp(),
        o.clientCpuMillisPerOp());
    if (o.cpuMillisPerOpByProcess().size() > 1) {
      System.out.printf(
          Locale.ROOT,
          "%-45s %-8s CPU ms/op by process: %s%n",
          "",
          "",
          perProcess(o.cpuMillisPerOpByProcess()));
    }
  }

  /**
   * Each step's ratio in every round and their median: on a shared machine a step's rates move by
   * tens of percent between minutes, and the median of rounds that alternate which system goes
   * first says more than any one of them.
   */
  static void printMedians(List<Step> steps, List<List<Outcome[]>> tables) {
    System.out.printf(Locale.ROOT, "%n| workload | ratio by round | median ratio |%n");
    System.out.println("| --- | --- | --- |");
    for (int s = 0; s < steps.size(); s++) {
      List<Double> ratios = new ArrayList<>();
      for (List<Outcome[]> table : tables) {
        Outcome[] row = table.get(s);
        ratios.add(row[0].opsPerSecond() / row[1].opsPerSecond());
      }
      StringJoiner each = new StringJoiner(", ");
      ratios.forEach(r -> each.add(String.format(Locale.ROOT, "%.2f×", r)));
      System.out.printf(
          Locale.ROOT, "| %s | %s | %.2f× |%n", steps.get(s).label(), each, median(ratios));
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  static void printTable(
      List<Step> steps, List<Outcome[]> table, Floor.Result floor, double[] idle) {
    System.out.println();
    System.out.println(
        "| workload | ObjectKV | etcd | ratio | CPU ms/op ObjectKV / etcd | client's CPU ms/op |");
    System.out.println("| --- | --- | --- | --- | --- | --- |");
    for (int i = 0; i < steps.size(); i++) {
      Outcome o = table.get(i)[0];
      Outcome e = table.get(i)[1];
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %.2f× | %.3f / %.3f | %.3f / %.3f |%n",
          steps.get(i).label(),
          cell(o),
          cell(e),
          o.opsPerSecond() / e.opsPerSecond(),
          o.cpuMillisPerOp(),
          e.cpuMillisPerOp(),
          o.clientCpuMillisPerOp(),
          e.clientCpuMillisPerOp());
    }
    System.out.printf(
        Locale.ROOT,
        "%nfloor of a write: %s; idle CPU: ObjectKV %.3f cores, etcd %.3f cores%n",
        floor.summary(),
        idle[0],
        idle[1]);
  }

  private static String cell(Outcome o) {
    return String.format(
        Locale.ROOT,
        "%,.0f/s, p50 %.1f ms, p99 %.1f ms%s%s",
        o.opsPerSecond(),
        o.latencies().millis(0.5),
        o.latencies().millis(0.99),
        Double.isNaN(o.objectPutsPerThousand())
            ? ""
            : String.format(Locale.ROOT, ", %.1f PUTs/1k", o.objectPutsPerThousand()),
        o.errors() == 0 ? "" : ", " + o.errors() + " errors");
  }
}
