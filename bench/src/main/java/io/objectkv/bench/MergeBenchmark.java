package io.objectkv.bench;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.MergingIterator;
import io.objectkv.core.read.RangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.format.Entry;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The merge under every tier merge, compaction and multi-object scan: {@code sources} SSTs in
 * memory, each holding {@code entriesPerSource} draws (less their repeats) from one key space, so
 * sources overlap and some keys have versions in several; 16-byte keys and 100-byte values, read
 * block by block with an empty block cache (as a compaction reads its inputs) and merged into one
 * stream. The score is the time for the whole merge.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class MergeBenchmark {
  @Param({"10"})
  int sources;

  @Param({"20000"})
  int entriesPerSource;

  List<SstReader> readers;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(7);
    readers = new ArrayList<>();
    long version = 0;
    for (int s = 0; s < sources; s++) {
      // Keys drawn from a space three times a source's size: sources overlap, as L0 objects do.
      long[] ids =
          rnd.longs(entriesPerSource, 0, 3L * entriesPerSource).sorted().distinct().toArray();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      SstWriter w = new SstWriter(out, SstOptions.DEFAULT);
      for (long id : ids) {
        byte[] value = new byte[100];
        rnd.nextBytes(value);
        w.add(String.format("key-%012d", id).getBytes(), version++, value);
      }
      SstSummary summary = w.finish();
      byte[] bytes = out.toByteArray();
      RangeFetcher memory =
          (key, offset, length) -> Arrays.copyOfRange(bytes, (int) offset, (int) (offset + length));
      TableCache tables = new TableCache(memory, new BlockCache(0));
      readers.add(tables.open(SstInfo.of("source-" + s + ".sst", summary)));
    }
  }

  @Benchmark
  public long merge() {
    List<Iterator<Entry>> its = new ArrayList<>(readers.size());
    for (SstReader r : readers) {
      its.add(r.scan(null, null, false));
    }
    long n = 0;
    for (Iterator<Entry> it = new MergingIterator(its, false); it.hasNext(); ) {
      n += it.next().version();
    }
    return n;
  }
}
