package io.objectkv.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The view over L0 and L1 against a model: random writes, deletes and range deletes spread over
 * many objects, then every get and many scans compared with a TreeMap of the newest version per key
 * (a key a range delete hid reads as a tombstone at the range delete's version).
 */
class LsmViewTest {
  private static final java.util.Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  private static SstInfo writeSst(
      InMemoryObjectStore store, String key, NavigableMap<byte[], Entry> entries) {
    return writeSst(store, key, entries, List.of());
  }

  private static SstInfo writeSst(
      InMemoryObjectStore store,
      String key,
      NavigableMap<byte[], Entry> entries,
      List<RangeTombstone> ranges) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, new SstOptions(256, 10, true));
    entries.values().forEach(w::add);
    ranges.forEach(w::addRangeTombstone);
    SstSummary s = w.finish();
    store.put(key, Content.of(out.toByteArray()));
    return SstInfo.of(key, s);
  }

  private static byte[] key(Random rnd) {
    return ("k" + rnd.nextInt(300)).getBytes();
  }

  @Test
  void viewMatchesTheModel() {
    for (long seed = 1; seed <= 40; seed++) {
      try {
        checkSeed(seed);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("seed " + seed, e);
      }
    }
  }

  private static void checkSeed(long seed) {
    Random rnd = new Random(seed);
    InMemoryObjectStore store = new InMemoryObjectStore();
    NavigableMap<byte[], Entry> model = new TreeMap<>(UNSIGNED);
    long version = 0;

    // L1: a sorted run cut into non-overlapping objects, holding the oldest data.
    NavigableMap<byte[], Entry> base = new TreeMap<>(UNSIGNED);
    for (int i = 0; i < 200; i++) {
      byte[] k = key(rnd);
      Entry e =
          new Entry(k, version++, rnd.nextInt(5) == 0 ? new byte[0] : ("v" + version).getBytes());
      base.put(k, e);
    }
    base.values().removeIf(Entry::isTombstone); // L1 is the last level: no tombstones
    List<SstInfo> l1 = new ArrayList<>();
    List<Entry> all = new ArrayList<>(base.values());
    int pieces = 1 + rnd.nextInt(4);
    for (int p = 0; p < pieces; p++) {
      NavigableMap<byte[], Entry> part = new TreeMap<>(UNSIGNED);
      all.subList(p * all.size() / pieces, (p + 1) * all.size() / pieces)
          .forEach(e -> part.put(e.key(), e));
      if (!part.isEmpty()) {
        l1.add(writeSst(store, "l1/" + p, part));
      }
    }
    model.putAll(base);

    Manifest m = Manifest.EMPTY;
    long lastVersion = version - 1;
    // The L1 run as a compaction would leave it: versions up to the applied one.
    m = m.apply(new ManifestDelta(1, 1, lastVersion, 0, List.of(), List.of()));
    m =
        m.apply(
            new ManifestDelta(
                2,
                1,
                lastVersion,
                0,
                List.of(new ManifestEdit.Compaction(List.of(), List.of(), l1)),
                List.of()));

    // L0: groups of newer writes, each object a version range above the previous.
    int groups = rnd.nextInt(8);
    for (int g = 0; g < groups; g++) {
      NavigableMap<byte[], Entry> group = new TreeMap<>(UNSIGNED);
      int n = 1 + rnd.nextInt(60);
      for (int i = 0; i < n; i++) {
        byte[] k = rnd.nextInt(10) == 0 ? ("new" + rnd.nextInt(50)).getBytes() : key(rnd);
        group.put(
            k,
            new Entry(
                k, version++, rnd.nextInt(4) == 0 ? new byte[0] : ("v" + version).getBytes()));
      }
      model.putAll(group);
      List<RangeTombstone> ranges = new ArrayList<>();
      if (rnd.nextInt(3) == 0) {
        byte[] a = key(rnd);
        byte[] b = key(rnd);
        if (UNSIGNED.compare(a, b) != 0) {
          RangeTombstone t =
              UNSIGNED.compare(a, b) < 0
                  ? new RangeTombstone(a, b, version++)
                  : new RangeTombstone(b, a, version++);
          ranges.add(t);
          model.replaceAll((k, e) -> t.hides(e) ? new Entry(k, t.version(), new byte[0]) : e);
        }
      }
      SstInfo info = writeSst(store, String.format("l0/%020d-x", version - 1), group, ranges);
      m =
          m.apply(
              new ManifestDelta(
                  m.id() + 1, 1, version - 1, 0, List.of(new ManifestEdit.AddL0(info)), List.of()));
    }

    LsmView view =
        LsmView.open(m, new TableCache(new StoreRangeFetcher(store), new BlockCache(1 << 20)));
    for (Map.Entry<byte[], Entry> e : model.entrySet()) {
      assertEquals(e.getValue(), view.get(e.getKey()));
    }
    assertEquals(null, view.get("absent".getBytes()));
    // Scans: the live entries are exactly the model's (tombstones may or may not come through).
    assertEquals(live(model.values()), live(drain(view.scan(null, null, false))));
    List<Entry> reversed = new ArrayList<>(model.values());
    Collections.reverse(reversed);
    assertEquals(live(reversed), live(drain(view.scan(null, null, true))));
    for (int i = 0; i < 30; i++) {
      byte[] from = key(rnd);
      byte[] to = key(rnd);
      if (UNSIGNED.compare(from, to) > 0) {
        byte[] t = from;
        from = to;
        to = t;
      }
      NavigableMap<byte[], Entry> range = model.subMap(from, true, to, false);
      assertEquals(live(range.values()), live(drain(view.scan(from, to, false))));
      assertEquals(live(range.descendingMap().values()), live(drain(view.scan(from, to, true))));
    }
  }

  private static List<Entry> live(java.util.Collection<Entry> entries) {
    return entries.stream().filter(e -> !e.isTombstone()).toList();
  }

  static List<Entry> drain(java.util.Iterator<Entry> it) {
    List<Entry> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
