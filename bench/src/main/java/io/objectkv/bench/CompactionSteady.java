package io.objectkv.bench;

import io.objectkv.compactor.CompactorMain;
import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.ScratchDirs;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import io.objectkv.writer.WriterStatus;
import io.objectkv.writer.commit.GroupPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Compaction at steady state (issue 18): loads a database of incompressible values through the
 * write log, lets the compactor (its own process, the deployed default policy) catch up, then
 * updates existing keys at a steady rate, random or zipfian, for some minutes per phase while a
 * reader serves point gets and scans. Per phase it prints the write amplification of compaction
 * (bytes the compactor wrote ÷ bytes of user writes), the most L0 objects seen, read latencies and
 * scan throughput, space amplification, S3 requests per 1,000 writes (writer and compactor) and the
 * compactor's CPU.
 *
 * <pre>bench/run CompactionSteady [--gib 1] [--value-bytes 1024] [--rate 1000]
 *     [--phases random:10,zipfian:10] [--heap 1g] [--group-min-interval-ms 0]
 *     [--l0-slowdown N]</pre>
 *
 * <p>{@code --group-min-interval-ms} is the writer's {@code OBJECTKV_WRITER_GROUP_MIN_INTERVAL}: at
 * a steady 1,000 writes/s the default commits a group (one PUT) every 50-70 ms. {@code
 * --l0-slowdown} sets its {@code OBJECTKV_WRITER_L0_SLOWDOWN_OBJECTS} (the writer's default unless
 * given; the stop point stays the default).
 */
public final class CompactionSteady {
  private CompactionSteady() {}

  private static final int KEY_BYTES = 16;

  public static void main(String[] args) throws Exception {
    double gib = 1;
    int valueBytes = 1024;
    int rate = 1000;
    String phases = "random:10,zipfian:10";
    String heap = "1g";
    long groupMinIntervalMs = 0;
    Integer l0Slowdown = null; // the writer's own unless given
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--gib" -> gib = Double.parseDouble(args[++i]);
        case "--value-bytes" -> valueBytes = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Integer.parseInt(args[++i]);
        case "--phases" -> phases = args[++i];
        case "--heap" -> heap = args[++i];
        case "--group-min-interval-ms" -> groupMinIntervalMs = Long.parseLong(args[++i]);
        case "--l0-slowdown" -> l0Slowdown = Integer.parseInt(args[++i]);
        default -> {
          System.err.println(
              "usage: CompactionSteady [--gib 1] [--value-bytes 1024] [--rate 1000]"
                  + " [--phases random:10,zipfian:10] [--heap 1g] [--group-min-interval-ms 0]"
                  + " [--l0-slowdown N]");
          System.exit(2);
        }
      }
    }
    long keys = (long) (gib * (1L << 30) / (KEY_BYTES + valueBytes));
    Path temp = Files.createTempDirectory("compaction-steady");
    try (BenchCluster cluster = BenchCluster.inNewBucket()) {
      WriterConfig base = cluster.writerConfig();
      GroupPolicy groups = base.groups();
      Writer writer =
          cluster.startWriter(
              base.withGroups(
                  groups
                      .withDelays(groups.maxDelay(), Duration.ofMillis(groupMinIntervalMs))
                      .withL0Slowdown(
                          l0Slowdown != null ? l0Slowdown : groups.l0SlowdownObjects(),
                          groups.l0StopObjects())));
      BenchCluster.Compactor compactor =
          cluster.startCompactor(
              // A short grace, so space amplification counts what compaction freed within the run;
              // GC runs at its default interval (each run costs LISTs).
              Map.of(CompactorMain.GC_GRACE.name(), "2m"), heap, temp.resolve("compactor"));
      ReaderMain.Reader reader = cluster.startReader(temp.resolve("reader"), new Metrics());
      Probe probe = new Probe(cluster, writer, compactor);
      System.out.printf(
          "loading %,d keys of %d + %d bytes (%.2f GiB) through the write log...%n",
          keys, KEY_BYTES, valueBytes, gib);
      long loadStart = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer = producer(cluster)) {
        long last = load(cluster, producer, keys, valueBytes);
        probe.awaitApplied(last);
        System.out.printf("loaded in %.0f s%n", (System.nanoTime() - loadStart) / 1e9);
        probe.awaitCompactorQuiet();
        for (String phase : phases.split(",")) {
          String[] p = phase.split(":");
          runPhase(
              cluster,
              producer,
              probe,
              reader,
              keys,
              valueBytes,
              rate,
              p[0],
              Duration.ofMinutes(Long.parseLong(p[1])));
        }
      }
    }
    ScratchDirs.delete(temp.resolve("reader")); // its disk cache; the compactor's log stays
    System.exit(0);
  }

  /** The key of item {@code i}: 16 hex digits of a mix of i, so items spread over the keyspace. */
  static byte[] key(long i) {
    long z = i * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return HexFormat.of().toHexDigits(z).getBytes(StandardCharsets.US_ASCII);
  }

  private static KafkaProducer<byte[], byte[]> producer(BenchCluster cluster) {
    Map<String, Object> p = KafkaClients.producer(cluster.servers.bootstrapServers(), "steady");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    return new KafkaProducer<>(p);
  }

  private static long correlation;

  private static long send(
      BenchCluster cluster, KafkaProducer<byte[], byte[]> producer, List<Op> ops, boolean await)
      throws Exception {
    byte[] record =
        LogCodec.encode(
            new LogCommand.ClientBatch(
                "steady", correlation++, LogCommand.NO_DEADLINE, new WriteBatch(ops, null)));
    var sent = producer.send(new ProducerRecord<>(cluster.names.writes(), 0, null, record));
    return await ? sent.get().offset() : -1;
  }

  /** Puts every key once, 200 to a batch; returns the offset of the last batch. */
  private static long load(
      BenchCluster cluster, KafkaProducer<byte[], byte[]> producer, long keys, int valueBytes)
      throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    long reported = System.nanoTime();
    long last = -1;
    for (long done = 0; done < keys; ) {
      List<Op> ops = new ArrayList<>(200);
      for (int i = 0; i < 200 && done < keys; i++, done++) {
        ops.add(new Op.Put(new Key(key(done)), value(rnd, valueBytes), Condition.NONE));
      }
      last = send(cluster, producer, ops, done == keys);
      if (System.nanoTime() - reported > 10_000_000_000L) {
        reported = System.nanoTime();
        System.out.printf("  produced %,d of %,d keys%n", done, keys);
      }
    }
    return last;
  }

  private static byte[] value(SplittableRandom rnd, int valueBytes) {
    byte[] v = new byte[valueBytes];
    rnd.nextBytes(v);
    return v;
  }

  private static void runPhase(
      BenchCluster cluster,
      KafkaProducer<byte[], byte[]> producer,
      Probe probe,
      ReaderMain.Reader reader,
      long keys,
      int valueBytes,
      int rate,
      String distribution,
      Duration length)
      throws Exception {
    Chooser chooser =
        switch (distribution) {
          case "random" -> new Uniform(keys);
          case "zipfian" -> new Zipfian(keys, 0.99);
          default -> throw new IllegalArgumentException("distribution random or zipfian");
        };
    System.out.printf(
        "%n== %s updates at %d/s for %d min ==%n", distribution, rate, length.toMinutes());
    Probe.Sample start = probe.sample();
    // Time from a write's append to the write log to its decision: the L0 slowdown's holds show
    // here.
    Metrics.Histogram recordAge =
        cluster.writerMetrics.histogram("objectkv_writer_record_age_seconds", "");
    long[] ageBefore = recordAge.bucketCounts();
    AtomicBoolean stop = new AtomicBoolean();
    ReadLoad reads = new ReadLoad(reader.port(), keys, stop);
    Thread readThread = Thread.ofPlatform().name("reads").start(reads::points);
    Thread scanThread = Thread.ofPlatform().name("scans").start(reads::scans);
    SplittableRandom rnd = new SplittableRandom(distribution.hashCode());
    long begin = System.nanoTime();
    long end = begin + length.toNanos();
    long writes = 0;
    long nextReport = begin + 30_000_000_000L;
    int maxL0 = 0;
    long maxStored = 0;
    long lastOffset = -1;
    long nextProbe = begin;
    while (System.nanoTime() < end) {
      long due = begin + writes * 1_000_000_000L / rate;
      long now = System.nanoTime();
      if (due > now) {
        Thread.sleep(Math.max(0, (due - now) / 1_000_000), (int) ((due - now) % 1_000_000));
        continue;
      }
      lastOffset =
          send(
              cluster,
              producer,
              List.of(
                  new Op.Put(
                      new Key(key(chooser.next(rnd))), value(rnd, valueBytes), Condition.NONE)),
              false);
      writes++;
      if (now >= nextProbe) {
        nextProbe = now + 1_000_000_000L;
        WriterStatus.Active w = probe.writerStatus();
        if (w != null) {
          maxL0 = Math.max(maxL0, w.manifest().l0Objects());
          maxStored = Math.max(maxStored, w.manifest().l0Bytes() + w.manifest().l1Bytes());
        }
      }
      if (now >= nextReport) {
        nextReport = now + 30_000_000_000L;
        Probe.Sample s = probe.sample();
        System.out.printf(
            "  %3.0f s: %,d writes; L0 %d objects (max %d), %,d B; L1 %,d B; compactor wrote %,d B"
                + " (x%.1f of user bytes so far), %d compactions (%d into L0)%n",
            (now - begin) / 1e9,
            writes,
            s.l0Objects(),
            maxL0,
            s.l0Bytes(),
            s.l1Bytes(),
            s.compactorWritten() - start.compactorWritten(),
            (double) (s.compactorWritten() - start.compactorWritten())
                / (writes * (KEY_BYTES + valueBytes)),
            s.compactions() - start.compactions(),
            s.tierMerges() - start.tierMerges());
      }
    }
    double seconds = (System.nanoTime() - begin) / 1e9;
    producer.flush();
    stop.set(true);
    readThread.join();
    scanThread.join();
    probe.awaitApplied(
        send(
            cluster,
            producer,
            List.of(new Op.Put(Key.of("~phase-end"), new byte[1], Condition.NONE)),
            true));
    Probe.Sample done = probe.sample();
    long userBytes = writes * (KEY_BYTES + valueBytes);
    long written = done.compactorWritten() - start.compactorWritten();
    long requests = done.requests() - start.requests();
    long logical = keys * (KEY_BYTES + valueBytes);
    System.out.printf(
        "%n-- %s: %,d updates in %.0f s (%.0f/s) --%n",
        distribution, writes, seconds, writes / seconds);
    System.out.printf(
        "write amplification of compaction: %,d B written / %,d B of user writes = %.2f%n",
        written, userBytes, (double) written / userBytes);
    long intoL1 = done.writtenIntoL1() - start.writtenIntoL1();
    System.out.printf(
        "compactions: %d (%d into L0, %d into L1); bytes read %,d; written into L0 %,d (x%.2f of"
            + " user bytes), into L1 %,d (x%.2f)%n",
        done.compactions() - start.compactions(),
        done.tierMerges() - start.tierMerges(),
        done.compactions() - start.compactions() - (done.tierMerges() - start.tierMerges()),
        done.compactorRead() - start.compactorRead(),
        written - intoL1,
        (double) (written - intoL1) / userBytes,
        intoL1,
        (double) intoL1 / userBytes);
    System.out.printf("L0 objects at most: %d (sampled every second)%n", maxL0);
    long[] age = recordAge.bucketCounts();
    for (int i = 0; i < age.length; i++) {
      age[i] -= ageBefore[i];
    }
    System.out.printf(
        "write log append to decision: p50 %.0f ms, p99 %.0f ms, p99.9 %.0f ms (histogram"
            + " buckets, interpolated)%n",
        Metrics.Histogram.quantileSeconds(age, 0.5) * 1e3,
        Metrics.Histogram.quantileSeconds(age, 0.99) * 1e3,
        Metrics.Histogram.quantileSeconds(age, 0.999) * 1e3);
    System.out.printf(
        "space amplification: stored / logical = %,d / %,d = %.3f now, %.3f at most;"
            + " stored / L1 = %.3f now%n",
        done.l0Bytes() + done.l1Bytes(),
        logical,
        (double) (done.l0Bytes() + done.l1Bytes()) / logical,
        (double) maxStored / logical,
        (double) (done.l0Bytes() + done.l1Bytes()) / done.l1Bytes());
    System.out.printf(
        "S3 requests (writer + compactor): %,d = %.2f per 1,000 writes (%s)%n",
        requests, requests * 1000.0 / writes, done.requestsByType(start));
    System.out.printf(
        "compactor CPU: %.1f s over %.0f s = %.3f cores%n",
        done.compactorCpu() - start.compactorCpu(),
        seconds,
        (done.compactorCpu() - start.compactorCpu()) / seconds);
    System.out.println(
        "point gets: "
            + Latencies.merge(List.of(reads.points)).summary()
            + ", failed "
            + reads.failures.get());
    System.out.printf(
        "scans of 1,000 keys: %d, %.0f keys/s while scanning, %s per scan%n",
        reads.scans.count(),
        reads.scannedKeys.get() / (reads.scanNanos / 1e9),
        reads.scansMerged().summary());
  }

  /** Picks the item each update writes. */
  private sealed interface Chooser permits Uniform, Zipfian {
    long next(SplittableRandom rnd);
  }

  private record Uniform(long items) implements Chooser {
    @Override
    public long next(SplittableRandom rnd) {
      return rnd.nextLong(items);
    }
  }

  /**
   * YCSB's zipfian (Gray et al.): rank r has weight 1 / r^theta. The item is the rank itself, so
   * the hot items spread over the keyspace through {@link #key} (YCSB's "scrambled" zipfian).
   */
  private static final class Zipfian implements Chooser {
    private final long items;
    private final double theta;
    private final double alpha;
    private final double zetan;
    private final double eta;

    Zipfian(long items, double theta) {
      this.items = items;
      this.theta = theta;
      double z = 0;
      for (long i = 1; i <= items; i++) {
        z += 1 / Math.pow(i, theta);
      }
      this.zetan = z;
      double zeta2 = 1 + 1 / Math.pow(2, theta);
      this.alpha = 1 / (1 - theta);
      this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetan);
    }

    @Override
    public long next(SplittableRandom rnd) {
      double u = rnd.nextDouble();
      double uz = u * zetan;
      if (uz < 1) {
        return 0;
      }
      if (uz < 1 + Math.pow(0.5, theta)) {
        return 1;
      }
      return Math.min(items - 1, (long) (items * Math.pow(eta * u - eta + 1, alpha)));
    }
  }

  /** Point gets (100/s) and scans of 1,000 keys (one a second) against the reader. */
  private static final class ReadLoad {
    final HttpClient http = HttpClient.newHttpClient();
    final String base;
    final long keys;
    final AtomicBoolean stop;
    final Latencies points = new Latencies();
    final Latencies scans = new Latencies();
    final AtomicInteger failures = new AtomicInteger();
    final AtomicLong scannedKeys = new AtomicLong();
    long scanNanos;

    ReadLoad(int port, long keys, AtomicBoolean stop) {
      this.base = "http://127.0.0.1:" + port;
      this.keys = keys;
      this.stop = stop;
    }

    void points() {
      SplittableRandom rnd = new SplittableRandom(5);
      while (!stop.get()) {
        String k = new String(key(rnd.nextLong(keys)), StandardCharsets.US_ASCII);
        long t = System.nanoTime();
        if (get(base + "/v1/kv/" + k) == 200) {
          points.record(System.nanoTime() - t);
        } else {
          failures.incrementAndGet();
        }
        sleep(10);
      }
    }

    void scans() {
      SplittableRandom rnd = new SplittableRandom(6);
      while (!stop.get()) {
        String from = HexFormat.of().toHexDigits(rnd.nextLong());
        long t = System.nanoTime();
        HttpResponse<String> r = send(base + "/v1/kv?start=" + from + "&end=~&limit=1000");
        long took = System.nanoTime() - t;
        if (r != null && r.statusCode() == 200) {
          scans.record(took);
          scanNanos += took;
          int n = 0;
          for (int i = r.body().indexOf("\"key\"");
              i >= 0;
              i = r.body().indexOf("\"key\"", i + 1)) {
            n++;
          }
          scannedKeys.addAndGet(n);
        }
        sleep(1000);
      }
    }

    Latencies scansMerged() {
      return Latencies.merge(List.of(scans));
    }

    private int get(String uri) {
      HttpResponse<String> r = send(uri);
      return r == null ? -1 : r.statusCode();
    }

    private HttpResponse<String> send(String uri) {
      try {
        return http.send(
            HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
      } catch (Exception e) {
        return null;
      }
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What the writer and the compactor say about themselves. */
  private static final class Probe {
    final BenchCluster cluster;
    final Writer writer;
    final BenchCluster.Compactor compactor;

    Probe(BenchCluster cluster, Writer writer, BenchCluster.Compactor compactor) {
      this.cluster = cluster;
      this.writer = writer;
      this.compactor = compactor;
    }

    record Sample(
        int l0Objects,
        long l0Bytes,
        long l1Bytes,
        long compactorWritten,
        long writtenIntoL1,
        long compactorRead,
        long compactions,
        long tierMerges,
        Map<String, Long> requestsByType,
        double compactorCpu) {
      long requests() {
        return requestsByType.values().stream().mapToLong(Long::longValue).sum();
      }

      String requestsByType(Sample since) {
        List<String> parts = new ArrayList<>();
        requestsByType.forEach(
            (type, n) -> {
              long d = n - since.requestsByType.getOrDefault(type, 0L);
              if (d > 0) {
                parts.add(type + " " + d);
              }
            });
        return String.join(", ", parts);
      }
    }

    WriterStatus.Active writerStatus() {
      return writer.status().active();
    }

    Sample sample() {
      String status = TestCluster.okBody(compactor.uri("/v1/status")).orElse(null);
      String metrics = TestCluster.okBody(compactor.uri("/metrics")).orElse(null);
      if (status == null || metrics == null) {
        throw new IllegalStateException(
            "the compactor does not answer; see " + compactor.process().log());
      }
      WriterStatus.Active w = writerStatus();
      Map<String, Long> requests = new HashMap<>(BenchCluster.storeRequests(metrics));
      BenchCluster.storeRequests(cluster.writerMetrics.render())
          .forEach((k, v) -> requests.merge(k, v, Long::sum));
      return new Sample(
          w == null ? -1 : w.manifest().l0Objects(),
          w == null ? -1 : w.manifest().l0Bytes(),
          w == null ? -1 : w.manifest().l1Bytes(),
          BenchCluster.number(metrics, "objectkv_compactor_written_bytes_total"),
          BenchCluster.number(metrics, "objectkv_compactor_output_bytes_total{into=\"L1\"}"),
          BenchCluster.number(metrics, "objectkv_compactor_read_bytes_total"),
          BenchCluster.number(status, "\"applied\":"),
          BenchCluster.number(status, "\"tierMerges\":"),
          requests,
          ProcessCpu.seconds(compactor.process().pid()));
    }

    void awaitApplied(long offset) throws InterruptedException {
      WriterStatus.Active w;
      while ((w = writerStatus()) == null || w.manifest().appliedVersion() < offset) {
        Thread.sleep(1000);
      }
    }

    /**
     * Waits until the load is compacted: L0 below a tenth of L1 and no compaction finished for 20 s
     * (a compaction in progress shows only when it ends).
     */
    void awaitCompactorQuiet() throws InterruptedException {
      long runs = -1;
      long quietSince = System.nanoTime();
      while (true) {
        String status = TestCluster.okBody(compactor.uri("/v1/status")).orElse(null);
        long now = status == null ? -1 : BenchCluster.number(status, "\"compactions\":");
        if (now != runs) {
          runs = now;
          quietSince = System.nanoTime();
          System.out.println("  compactor: " + status);
        }
        boolean compacted =
            status != null
                && BenchCluster.number(status, "\"l0Bytes\":")
                    < BenchCluster.number(status, "\"l1Bytes\":") / 10;
        if (compacted && System.nanoTime() - quietSince > 20_000_000_000L) {
          return;
        }
        Thread.sleep(2000);
      }
    }
  }
}
