package io.objectkv.compactor.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.compactor.plan.CompactionJob;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestInvariants;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.ForwardingStore;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The merge against a model: newest version wins; tombstones, what range tombstones hide, expired
 * values and old versions disappear.
 */
class CompactionMergerTest {
  @TempDir Path temp;

  private KeptOutputs nothingKept() {
    return new KeptOutputs(temp.resolve("nothing-kept"), 0);
  }

  private static SstInfo put(
      InMemoryObjectStore store, String key, NavigableMap<byte[], Entry> entries) {
    return put(store, key, entries, List.of());
  }

  private static SstInfo put(
      InMemoryObjectStore store,
      String key,
      NavigableMap<byte[], Entry> entries,
      List<RangeTombstone> ranges) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, new SstOptions(512, 10, true));
    entries.values().forEach(w::add);
    ranges.forEach(w::addRangeTombstone);
    SstInfo info = SstInfo.of(key, w.finish());
    store.put(key, Content.of(out.toByteArray()));
    return info;
  }

  @Test
  void mergesToTheModel() {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      InMemoryObjectStore store = new InMemoryObjectStore();
      NavigableMap<byte[], Entry> model = new TreeMap<>(Arrays::compareUnsigned);
      long version = 0;
      // L1: a sorted run without tombstones
      NavigableMap<byte[], Entry> base = new TreeMap<>(Arrays::compareUnsigned);
      for (int i = 0; i < 400; i++) {
        byte[] k = String.format("k%05d", rnd.nextInt(2000)).getBytes();
        base.put(k, new Entry(k, version++, ("base" + i).getBytes()));
      }
      List<SstInfo> l1 = new ArrayList<>();
      List<Entry> all = new ArrayList<>(base.values());
      for (int p = 0; p < 3; p++) {
        NavigableMap<byte[], Entry> part = new TreeMap<>(Arrays::compareUnsigned);
        all.subList(p * all.size() / 3, (p + 1) * all.size() / 3)
            .forEach(e -> part.put(e.key(), e));
        l1.add(put(store, "l1/in-" + p, part));
      }
      model.putAll(base);
      List<SstInfo> l0 = new ArrayList<>();
      long expiredBy = 5_000;
      for (int g = 0; g < 5; g++) {
        NavigableMap<byte[], Entry> group = new TreeMap<>(Arrays::compareUnsigned);
        for (int i = 0; i < 150; i++) {
          byte[] k = String.format("k%05d", rnd.nextInt(2000)).getBytes();
          byte[] value = rnd.nextInt(3) == 0 ? new byte[0] : ("g" + g + "-" + i).getBytes();
          long expires = value.length > 0 && rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(10_000) : 0;
          group.put(k, new Entry(k, version++, value, expires));
        }
        model.putAll(group);
        List<RangeTombstone> ranges = new ArrayList<>();
        if (rnd.nextBoolean()) {
          int from = rnd.nextInt(2000);
          RangeTombstone t =
              new RangeTombstone(
                  String.format("k%05d", from).getBytes(),
                  String.format("k%05d", from + 1 + rnd.nextInt(300)).getBytes(),
                  version++);
          ranges.add(t);
          model.values().removeIf(t::hides);
        }
        l0.add(put(store, "l0/" + g, group, ranges));
      }
      model.values().removeIf(e -> e.absentAt(expiredBy));

      CompactionMerger merger =
          new CompactionMerger(
              store, temp, new SstOptions(256, 10, true), 1024, 2048, nothingKept());
      List<SstInfo> uploaded = new ArrayList<>();
      CompactionMerger.Result r =
          merger.merge(
              new CompactionJob(1, l0, l1, ManifestEdit.Level.L1),
              n -> "l1/c-" + n + ".sst",
              CompactionMerger.Step.NONE,
              output -> {
                assertTrue(store.head(output.key()).isPresent(), "told once in the store");
                uploaded.add(output);
              },
              expiredBy);
      assertTrue(r.outputs().size() > 3, "outputs are cut at the target size: " + r);
      assertEquals(r.outputs(), uploaded, "each output told of once, in order");
      assertTrue(ManifestInvariants.isSortedRun(r.outputs()), "outputs form a sorted run");
      List<Entry> merged = new ArrayList<>();
      for (SstInfo o : r.outputs()) {
        assertTrue(o.sizeBytes() < 1024 + 1024, "about the target size: " + o.sizeBytes());
        SstReader.of(o.key(), store.get(o.key()))
            .scan(null, null, false)
            .forEachRemaining(merged::add);
      }
      assertEquals(List.copyOf(model.values()), merged, "seed " + seed);
      assertEquals(model.size(), r.entriesOut());
      assertTrue(r.bytesRead() > 0 && r.bytesWritten() > 0);
    }
  }

  /**
   * Into L0 the merge keeps what hides older versions below it: tombstones, expired values and
   * range tombstones stay; only versions its own newer entries or range tombstones replace go.
   */
  @Test
  void aMergeIntoL0KeepsWhatHidesOlderVersions() {
    Random rnd = new Random(3);
    InMemoryObjectStore store = new InMemoryObjectStore();
    NavigableMap<byte[], Entry> model = new TreeMap<>(Arrays::compareUnsigned);
    List<RangeTombstone> allRanges = new ArrayList<>();
    List<SstInfo> l0 = new ArrayList<>();
    long version = 100;
    for (int g = 0; g < 4; g++) {
      NavigableMap<byte[], Entry> group = new TreeMap<>(Arrays::compareUnsigned);
      for (int i = 0; i < 120; i++) {
        byte[] k = String.format("k%04d", rnd.nextInt(500)).getBytes();
        byte[] value = rnd.nextInt(3) == 0 ? new byte[0] : ("g" + g + "-" + i).getBytes();
        long expires = value.length > 0 && rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(10_000) : 0;
        group.put(k, new Entry(k, version++, value, expires));
      }
      model.putAll(group);
      RangeTombstone t =
          new RangeTombstone(
              String.format("k%04d", rnd.nextInt(450)).getBytes(),
              String.format("k%04d", 450 + rnd.nextInt(50)).getBytes(),
              version++);
      model.values().removeIf(t::hides);
      allRanges.add(t);
      l0.add(put(store, "l0/" + g, group, List.of(t)));
    }
    CompactionMerger merger =
        new CompactionMerger(store, temp, new SstOptions(256, 10, true), 1024, 2048, nothingKept());
    CompactionMerger.Result r =
        merger.merge(
            new CompactionJob(1, l0, List.of(), ManifestEdit.Level.L0),
            n -> "l0/t1-c-" + n + ".sst",
            CompactionMerger.Step.NONE,
            CompactionMerger.Uploaded.NONE,
            5_000);
    assertEquals(1, r.outputs().size(), "one object, whatever the target size: " + r.outputs());
    SstInfo out = r.outputs().getFirst();
    SstReader reader = SstReader.of(out.key(), store.get(out.key()));
    List<Entry> merged = new ArrayList<>();
    reader.scan(null, null, false).forEachRemaining(merged::add);
    assertEquals(List.copyOf(model.values()), merged, "tombstones and expired values kept");
    assertTrue(merged.stream().anyMatch(Entry::isTombstone));
    assertTrue(merged.stream().anyMatch(e -> e.absentAt(5_000) && !e.isTombstone()));
    assertEquals(allRanges, reader.metadata().rangeTombstones(), "range tombstones kept");
    assertTrue(out.minVersion() >= l0.getFirst().minVersion(), "versions within its inputs'");
    assertEquals(l0.getLast().maxVersion(), out.maxVersion(), "the newest range tombstone's");
  }

  /**
   * A tier merge's output is kept on local disk, and a later merge of it reads it from there, not
   * from the store, with the same result; a copy that went meanwhile is read from the store.
   */
  @Test
  void laterMergesReadKeptOutputsLocallyAndFallBackToTheStore() throws Exception {
    Random rnd = new Random(5);
    InMemoryObjectStore objects = new InMemoryObjectStore();
    ReadsRecorded store = new ReadsRecorded(objects);
    List<SstInfo> groups = new ArrayList<>();
    long version = 1;
    for (int g = 0; g < 4; g++) {
      NavigableMap<byte[], Entry> group = new TreeMap<>(Arrays::compareUnsigned);
      for (int i = 0; i < 1500; i++) {
        byte[] k = String.format("k%05d", rnd.nextInt(20_000)).getBytes();
        byte[] value = new byte[40 + rnd.nextInt(40)];
        rnd.nextBytes(value); // incompressible: the tier output must exceed the whole-read size
        group.put(k, new Entry(k, version++, value));
      }
      groups.add(put(objects, "l0/" + g, group));
    }
    KeptOutputs kept = new KeptOutputs(temp.resolve("kept"), 64 << 20);
    SstOptions options = new SstOptions(4096, 10, true);
    CompactionMerger merger = new CompactionMerger(store, temp, options, 1 << 20, 16 << 10, kept);
    SstInfo tier =
        merger
            .merge(
                new CompactionJob(1, groups.subList(0, 3), List.of(), ManifestEdit.Level.L0),
                n -> "l0/t1-a-" + n + ".sst",
                CompactionMerger.Step.NONE,
                CompactionMerger.Uploaded.NONE,
                0)
            .outputs()
            .getFirst();
    assertTrue(tier.sizeBytes() > CompactionMerger.READ_WHOLE_BYTES, "read by ranges: " + tier);
    assertTrue(kept.file(tier.key()).isPresent(), "the output is kept");
    assertArrayEquals(objects.get(tier.key()), Files.readAllBytes(kept.file(tier.key()).get()));

    CompactionJob intoL1 =
        new CompactionJob(2, List.of(tier, groups.get(3)), List.of(), ManifestEdit.Level.L1);
    List<Entry> fromStore =
        entries(
            objects,
            new CompactionMerger(store, temp, options, 1 << 30, 16 << 10, nothingKept())
                .merge(
                    intoL1,
                    n -> "l1/s-" + n + ".sst",
                    CompactionMerger.Step.NONE,
                    CompactionMerger.Uploaded.NONE,
                    0));

    store.keys.clear();
    List<Entry> fromKept =
        entries(
            objects,
            merger.merge(
                intoL1,
                n -> "l1/k-" + n + ".sst",
                CompactionMerger.Step.NONE,
                CompactionMerger.Uploaded.NONE,
                0));
    assertEquals(fromStore, fromKept);
    assertTrue(store.keys.contains(groups.get(3).key()));
    assertFalse(store.keys.contains(tier.key()), "the tier output is read locally");
    assertTrue(kept.bytesServed() >= tier.sizeBytes(), "served: " + kept.bytesServed());

    Files.delete(kept.file(tier.key()).get()); // gone behind its back: the store still has it
    store.keys.clear();
    assertEquals(
        fromStore,
        entries(
            objects,
            merger.merge(
                intoL1,
                n -> "l1/g-" + n + ".sst",
                CompactionMerger.Step.NONE,
                CompactionMerger.Uploaded.NONE,
                0)));
    assertTrue(store.keys.contains(tier.key()), "the tier output came from the store");
  }

  /**
   * Small L0 inputs are read whole and leave their share of the budget to the large ones; many
   * inputs still get the least window, and a budget they all fit in gives the read-ahead.
   */
  @Test
  void l0WindowsLeaveSmallInputsWholeAndShareTheRest() {
    long mb = 1 << 20;
    long[] sizes = {2 * mb, 2 * mb, 2 * mb, 50 * mb, 80 * mb};
    int w = CompactionMerger.l0Window(sizes, 32 * mb, 32 << 20);
    assertEquals(13 * mb / 2, w, "the 26 MiB left after three whole reads, two windows each");
    long held = Arrays.stream(sizes).map(size -> Math.min(size, 2L * w)).sum();
    assertTrue(held <= 32 * mb, "within the budget: " + held);

    assertEquals(4 << 20, CompactionMerger.l0Window(sizes, 1L << 40, 4 << 20));
    assertEquals(
        CompactionMerger.L0_READ_AHEAD, CompactionMerger.l0Window(sizes, 1L << 40, 32 << 20));
    long[] many = new long[4096];
    Arrays.fill(many, 10 * mb);
    assertEquals(CompactionMerger.MIN_WINDOW, CompactionMerger.l0Window(many, 64 * mb, 8 << 20));
  }

  /**
   * An L1 input costs its tail and one ranged GET per window; a remainder of under a quarter window
   * comes with the last full one rather than costing a GET of its own.
   */
  @Test
  void anL1InputCostsItsTailAndOneGetPerWindow() throws Exception {
    Random rnd = new Random(7);
    InMemoryObjectStore objects = new InMemoryObjectStore();
    NavigableMap<byte[], Entry> base = new TreeMap<>(Arrays::compareUnsigned);
    for (int i = 0; i < 3000; i++) {
      byte[] k = String.format("k%05d", i).getBytes();
      byte[] value = new byte[100];
      rnd.nextBytes(value);
      base.put(k, new Entry(k, i + 1, value));
    }
    SstInfo l1 = put(objects, "l1/a", base);
    long dataBytes = SstReader.of(l1.key(), objects.get(l1.key())).metadata().footer().dataEnd();
    assertTrue(l1.sizeBytes() > CompactionMerger.READ_WHOLE_BYTES, "read by ranges: " + l1);
    NavigableMap<byte[], Entry> group = new TreeMap<>(Arrays::compareUnsigned);
    byte[] k = "k00042".getBytes();
    group.put(k, new Entry(k, 5000, "new".getBytes()));
    SstInfo l0 = put(objects, "l0/a", group);

    // Two windows of 47% each leave 6% of the data (plus what block edges leave): under a quarter.
    int readAhead = (int) (dataBytes * 47 / 100);
    ReadsRecorded store = new ReadsRecorded(objects);
    List<Entry> merged =
        entries(
            objects,
            new CompactionMerger(
                    store, temp, new SstOptions(4096, 10, true), 1 << 30, readAhead, nothingKept())
                .merge(
                    new CompactionJob(1, List.of(l0), List.of(l1), ManifestEdit.Level.L1),
                    n -> "l1/b-" + n + ".sst",
                    CompactionMerger.Step.NONE,
                    CompactionMerger.Uploaded.NONE,
                    0));
    assertEquals(base.size(), merged.size());
    assertEquals(
        3,
        store.keys.stream().filter(l1.key()::equals).count(),
        "the tail and two windows: " + store.keys);
  }

  /** Records the keys of reads. */
  private static final class ReadsRecorded extends ForwardingStore {
    final List<String> keys = new CopyOnWriteArrayList<>();

    ReadsRecorded(InMemoryObjectStore inner) {
      super(inner);
    }

    @Override
    protected <T> T call(Op op, String key, Supplier<T> request) {
      if (op == Op.GET || op == Op.RANGE_GET) {
        keys.add(key);
      }
      return request.get();
    }
  }

  private static List<Entry> entries(InMemoryObjectStore store, CompactionMerger.Result r) {
    List<Entry> out = new ArrayList<>();
    for (SstInfo o : r.outputs()) {
      SstReader.of(o.key(), store.get(o.key())).scan(null, null, false).forEachRemaining(out::add);
    }
    return out;
  }
}
