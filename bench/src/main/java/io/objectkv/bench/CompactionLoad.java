package io.objectkv.bench;

import io.objectkv.compactor.CompactorMain;
import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.testkit.TestCluster;
import io.objectkv.writer.Writer;
import io.objectkv.writer.WriterConfig;
import io.objectkv.writer.WriterStatus;
import io.objectkv.writer.commit.GroupPolicy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Loads N GiB of 100-byte values under random 16-byte keys (batches of 1,000 written straight to
 * the write log, group-committed by a real writer into L0 objects), then runs the compactor as its
 * own process with a bounded heap until L0 is empty. Prints compaction MB/s, peak heap, write and
 * space amplification, and the S3 requests it took.
 *
 * <pre>bench/run CompactionLoad [--gib 1] [--heap 512m]</pre>
 */
public final class CompactionLoad {
  private CompactionLoad() {}

  public static void main(String[] args) throws Exception {
    double gib = 1;
    String heap = "512m";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--gib" -> gib = Double.parseDouble(args[++i]);
        case "--heap" -> heap = args[++i];
        default -> {
          System.err.println("usage: CompactionLoad [--gib 1] [--heap 512m]");
          System.exit(2);
        }
      }
    }
    int keyBytes = 16;
    int valueBytes = 100;
    long records = (long) (gib * (1L << 30) / (keyBytes + valueBytes));
    long logical = records * (keyBytes + valueBytes);
    try (BenchCluster cluster = new BenchCluster()) {
      WriterConfig base = cluster.writerConfig();
      WriterConfig config =
          new WriterConfig(
              base.bootstrap(),
              base.names(),
              new GroupPolicy(20, 32L << 20, 20, Duration.ZERO, Duration.ZERO),
              100,
              Duration.ofSeconds(30),
              base.decisions(),
              8L << 20,
              8L << 20,
              base.sessionTimeout(),
              base.sstOptions());
      Writer writer = cluster.startWriter(config);
      System.out.printf(
          "loading %d records (%.2f GiB logical) through the write log...%n",
          records, logical / (double) (1L << 30));
      long loadStart = System.nanoTime();
      long lastOffset = load(cluster, records, keyBytes, valueBytes);
      WriterStatus.Active loaded;
      while ((loaded = writer.status().active()) == null
          || loaded.manifest().appliedVersion() < lastOffset) {
        Thread.sleep(2000);
        System.out.printf(
            "  writer applied version %s of %d, %s L0 objects%n",
            loaded == null ? "-" : loaded.manifest().appliedVersion(),
            lastOffset,
            loaded == null ? "-" : loaded.manifest().l0Objects());
      }
      System.out.printf(
          "loaded in %.0f s: %d L0 objects, %d bytes%n",
          (System.nanoTime() - loadStart) / 1e9,
          loaded.manifest().l0Objects(),
          loaded.manifest().l0Bytes());

      Path temp = Files.createTempDirectory("compaction-load");
      BenchCluster.Compactor c =
          cluster.startCompactor(
              Map.of(
                  "OBJECTKV_COMPACTOR_MIN_L0_OBJECTS",
                  "1",
                  "OBJECTKV_COMPACTOR_L0_TO_L1_RATIO",
                  "0",
                  "OBJECTKV_COMPACTOR_MAX_L0_PER_JOB",
                  "100000",
                  CompactorMain.GC_GRACE.name(),
                  "1h"),
              heap,
              temp);
      URI status = c.uri("/v1/status");
      long start = System.nanoTime();
      try (ServerProcess compactor = c.process()) {
        String s;
        // done once it has read the whole manifest and L0 is empty
        while ((s = TestCluster.okBody(status).orElse(null)) == null
            || BenchCluster.number(s, "\"appliedVersion\":") < lastOffset
            || !s.contains("\"l0Objects\":0,")) {
          if (s == null && !compactor.isAlive()) {
            throw new IllegalStateException(
                "the compactor exited; see " + temp.resolve("compactor.log"));
          }
          Thread.sleep(2000);
          System.out.println("  compactor: " + s);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String metrics = TestCluster.okBody(c.uri("/metrics")).orElse(null);
        long l0Bytes = loaded.manifest().l0Bytes();
        long read = BenchCluster.number(metrics, "objectkv_compactor_read_bytes_total");
        long written = BenchCluster.number(metrics, "objectkv_compactor_written_bytes_total");
        long l1Bytes = BenchCluster.number(s, "\"l1Bytes\":");
        System.out.printf(
            "compaction: %.1f s, %.1f MB/s of input (%d bytes read, %d written)%n",
            seconds, read / seconds / 1e6, read, written);
        System.out.printf(
            "heap: bound %s, sum of pool peaks %d MiB%n",
            heap, BenchCluster.number(metrics, "objectkv_jvm_heap_peak_bytes") >> 20);
        System.out.printf(
            "write amplification (L0 + L1 bytes written) / L0 bytes: %.2f%n",
            (double) (l0Bytes + written) / l0Bytes);
        System.out.printf(
            "space amplification stored / live logical: %d / %d = %.3f%n",
            l1Bytes, logical, (double) l1Bytes / logical);
        List<String> requests = new ArrayList<>();
        BenchCluster.storeRequests(metrics).forEach((type, n) -> requests.add(type + "=" + n));
        System.out.println("S3 requests of the compactor: " + String.join(", ", requests));
      }
    }
    System.exit(0);
  }

  /** Produces the records as 1,000-op batches; returns the offset of the last one. */
  private static long load(BenchCluster cluster, long records, int keyBytes, int valueBytes)
      throws Exception {
    Map<String, Object> p = KafkaClients.producer(cluster.servers.bootstrapServers(), "bulk-load");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20);
    SplittableRandom rnd = new SplittableRandom(11);
    long last = -1;
    long correlation = 0;
    long reported = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (long done = 0; done < records; ) {
        List<Op> ops = new ArrayList<>(1000);
        for (int i = 0; i < 1000 && done < records; i++, done++) {
          byte[] key = HexFormat.of().formatHex(longBytes(rnd.nextLong())).getBytes();
          byte[] value = new byte[valueBytes];
          rnd.nextBytes(value);
          ops.add(
              new Op.Put(new Key(java.util.Arrays.copyOf(key, keyBytes)), value, Condition.NONE));
        }
        byte[] record =
            LogCodec.encode(
                new LogCommand.ClientBatch(
                    "bulk-load", correlation++, LogCommand.NO_DEADLINE, new WriteBatch(ops, null)));
        var sent = producer.send(new ProducerRecord<>(cluster.names.writes(), 0, null, record));
        if (done == records) {
          last = sent.get().offset();
        }
        if (System.nanoTime() - reported > 5_000_000_000L) {
          reported = System.nanoTime();
          System.out.printf("  produced %d of %d records%n", done, records);
        }
      }
    }
    return last;
  }

  private static byte[] longBytes(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (8 * i));
    }
    return b;
  }
}
