package io.objectkv.bench;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.RangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.format.Entry;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * SST build throughput and point-lookup latency on a 64 MiB SST held in memory: 16-byte keys,
 * 100-byte values (half random, half repetitive), the default 16 KiB blocks with LZ4.
 *
 * <p>{@code build}: time to build the whole SST (MB/s = input MiB / seconds; the setup prints input
 * and stored sizes). {@code getHot}: a lookup whose block is in the decoded-block cache. {@code
 * getDecode}: a lookup that decodes its block (checksum, LZ4, slots) from memory every time, as on
 * a block-cache miss with the bytes local. {@code getAbsent}: a lookup of a key not in the SST
 * (bloom filter).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SstBenchmark {
  @Param({"67108864"})
  long targetBytes;

  Entry[] entries;
  byte[] sst;
  SstReader hot;
  SstReader decoding;
  byte[][] keys;
  byte[][] absent;
  int next;

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(42);
    // Add entries until the SST itself (after compression) reaches the target size.
    java.util.List<Entry> list = new java.util.ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) targetBytes + (1 << 20));
    SstWriter w = new SstWriter(out, SstOptions.DEFAULT);
    for (int i = 0; w.estimatedSize() < targetBytes; i++) {
      byte[] key = String.format("key-%012d", i * 7L).getBytes();
      byte[] value = new byte[100];
      if (i % 2 == 0) {
        rnd.nextBytes(value);
      } else {
        Arrays.fill(value, (byte) ('a' + i % 26));
      }
      Entry e = new Entry(key, i, value);
      list.add(e);
      w.add(e.key(), e.version(), e.value());
    }
    entries = list.toArray(new Entry[0]);
    int count = entries.length;
    keys = new byte[count][];
    for (int i = 0; i < count; i++) {
      keys[i] = entries[i].key();
    }
    SstSummary summary = w.finish();
    sst = out.toByteArray();
    RangeFetcher memory =
        (key, offset, length) -> Arrays.copyOfRange(sst, (int) offset, (int) offset + length);
    TableCache cached = new TableCache(memory, new BlockCache(1L << 30));
    hot = cached.open(SstInfo.of("bench.sst", summary));
    for (byte[] k : keys) {
      hot.get(k); // warm every block into the cache
    }
    TableCache uncached = new TableCache(memory, new BlockCache(0));
    decoding = uncached.open(SstInfo.of("bench.sst", summary));
    absent = new byte[4096][];
    for (int i = 0; i < absent.length; i++) {
      absent[i] = String.format("key-%012d", i * 7L + 3).getBytes();
    }
    System.out.printf(
        "%nSST: %d entries, %.1f MiB of input, %.1f MiB stored, %d blocks%n",
        count, count * 116 / 1048576.0, sst.length / 1048576.0, summary.blockCount());
  }

  private byte[] nextKey() {
    next = (next + 7919) % keys.length;
    return keys[next];
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  @Warmup(iterations = 2, time = 5)
  @Measurement(iterations = 4, time = 5)
  public long build() {
    SstWriter w =
        new SstWriter(
            new OutputStream() {
              @Override
              public void write(int b) {}

              @Override
              public void write(byte[] b, int off, int len) {}
            },
            SstOptions.DEFAULT);
    for (Entry e : entries) {
      w.add(e.key(), e.version(), e.value());
    }
    return w.finish().sizeBytes();
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Entry getHot() {
    return hot.get(nextKey());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Entry getDecode() {
    return decoding.get(nextKey());
  }

  @Benchmark
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public Entry getAbsent() {
    next = (next + 1) & (absent.length - 1);
    return hot.get(absent[next]);
  }
}
