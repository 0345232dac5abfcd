package io.objectkv.core.read;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.format.BloomFilter;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The database as of one manifest: the one read path that the writer (condition checks), the
 * readers (gets and scans) and the compactor share. Immutable; a new manifest makes a new view.
 */
public final class LsmView {
  private final Manifest manifest;
  private final List<SstInfo> l0Infos; // newest first
  private final List<SstReader> l0;
  private final List<SstInfo> l1Infos; // key order
  private final List<SstReader> l1;
  private final RangeTombstones rangeTombstones;

  private LsmView(
      Manifest manifest,
      List<SstInfo> l0Infos,
      List<SstReader> l0,
      List<SstInfo> l1Infos,
      List<SstReader> l1) {
    this.manifest = manifest;
    this.l0Infos = l0Infos;
    this.l0 = l0;
    this.l1Infos = l1Infos;
    this.l1 = l1;
    List<RangeTombstone> ranges = new ArrayList<>();
    l0.forEach(r -> ranges.addAll(r.metadata().rangeTombstones()));
    l1.forEach(r -> ranges.addAll(r.metadata().rangeTombstones()));
    this.rangeTombstones = new RangeTombstones(ranges);
  }

  /** Opens every object of {@code manifest} (metadata only; data blocks load on demand). */
  public static LsmView open(Manifest manifest, TableCache tables) {
    List<SstInfo> l0Infos = new ArrayList<>(manifest.l0());
    Collections.reverse(l0Infos);
    List<SstInfo> all = new ArrayList<>(l0Infos);
    all.addAll(manifest.l1());
    List<SstReader> readers = tables.openAll(all);
    return new LsmView(
        manifest,
        List.copyOf(l0Infos),
        List.copyOf(readers.subList(0, l0Infos.size())),
        manifest.l1(),
        List.copyOf(readers.subList(l0Infos.size(), readers.size())));
  }

  public Manifest manifest() {
    return manifest;
  }

  /**
   * The newest entry for {@code key} (a tombstone if it was deleted, by itself or by a range
   * delete), or null if never written. An expired value is returned as it is: whether it is gone
   * depends on the reader's time ({@link Entry#absentAt}).
   */
  public Entry get(byte[] key) {
    return rangeTombstones.apply(key, newestStored(key));
  }

  private Entry newestStored(byte[] key) {
    long hash = BloomFilter.hash(key);
    for (int i = 0; i < l0.size(); i++) {
      if (l0Infos.get(i).covers(key)) {
        Entry e = l0.get(i).get(key, hash);
        if (e != null) {
          return e;
        }
      }
    }
    int run = firstL1EndingAtOrAfter(key);
    if (run < l1.size() && l1Infos.get(run).covers(key)) {
      return l1.get(run).get(key, hash);
    }
    return null;
  }

  /** The first L1 object whose max key is >= {@code key}. */
  private int firstL1EndingAtOrAfter(byte[] key) {
    int lo = 0;
    int hi = l1Infos.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Arrays.compareUnsigned(l1Infos.get(mid).maxKey(), key) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Entries with {@code from <= key < to} (null: open), one per key, newest version, in key order
   * or reverse. Deleted keys may come as tombstones: a key a range delete hid comes as one, or not
   * at all when the range let the scan skip past it without reading it.
   */
  public Iterator<Entry> scan(byte[] from, byte[] to, boolean reverse) {
    List<Iterator<Entry>> sources = new ArrayList<>();
    for (int i = 0; i < l0.size(); i++) {
      if (l0Infos.get(i).overlaps(from, to)) {
        sources.add(visible(l0Infos.get(i), l0.get(i), from, to, reverse));
      }
    }
    List<Supplier<Iterator<Entry>>> run = new ArrayList<>();
    for (int i = 0; i < l1.size(); i++) {
      if (l1Infos.get(i).overlaps(from, to)) {
        SstInfo info = l1Infos.get(i);
        SstReader reader = l1.get(i);
        run.add(() -> visible(info, reader, from, to, reverse));
      }
    }
    if (reverse) {
      Collections.reverse(run);
    }
    if (!run.isEmpty()) {
      // One object of the run open at a time, each when the one before is done.
      sources.add(new ConcatIterator(run));
    }
    Iterator<Entry> merged =
        sources.size() == 1 ? sources.getFirst() : new MergingIterator(sources, reverse);
    return rangeTombstones.apply(merged);
  }

  /** The object's entries in {@code [from, to)}, skipping the spans deleted after all of them. */
  private Iterator<Entry> visible(
      SstInfo info, SstReader reader, byte[] from, byte[] to, boolean reverse) {
    if (rangeTombstones.isEmpty()) {
      return reader.scan(from, to, reverse);
    }
    List<Supplier<Iterator<Entry>>> parts = new ArrayList<>();
    for (RangeTombstones.Span span : rangeTombstones.visibleSpans(from, to, info.maxVersion())) {
      parts.add(() -> reader.scan(span.from(), span.to(), reverse));
    }
    if (reverse) {
      Collections.reverse(parts);
    }
    return new ConcatIterator(parts);
  }

  public int l0Count() {
    return l0.size();
  }

  public int l1Count() {
    return l1.size();
  }
}
