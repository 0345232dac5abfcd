package io.objectkv.core.read;

import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The range tombstones of a set of SSTs, applied to what those SSTs hold: an entry written before a
 * range delete that covers its key reads as deleted at the range delete's version. Sorted by start,
 * so a lookup looks only at the tombstones that start at or before its key.
 */
public final class RangeTombstones {
  public static final RangeTombstones NONE = new RangeTombstones(List.of());

  private final RangeTombstone[] byStart;

  public RangeTombstones(List<RangeTombstone> tombstones) {
    byStart = tombstones.toArray(new RangeTombstone[0]);
    Arrays.sort(byStart, Comparator.comparing(RangeTombstone::start, Arrays::compareUnsigned));
  }

  public boolean isEmpty() {
    return byStart.length == 0;
  }

  /** The highest version of a range delete that covers {@code key}; -1 when none does. */
  public long coveringVersion(byte[] key) {
    long version = -1;
    for (RangeTombstone t : byStart) {
      if (Arrays.compareUnsigned(t.start(), key) > 0) {
        break;
      }
      if (t.version() > version && Arrays.compareUnsigned(key, t.end()) < 0) {
        version = t.version();
      }
    }
    return version;
  }

  /**
   * {@code newest}, the newest entry of {@code key} (null: none), as the range deletes leave it: a
   * tombstone at the covering delete's version when one came later.
   */
  public Entry apply(byte[] key, Entry newest) {
    if (byStart.length == 0) {
      return newest;
    }
    long covering = coveringVersion(key);
    if (covering < 0 || (newest != null && newest.version() >= covering)) {
      return newest;
    }
    return new Entry(key, covering, new byte[0]);
  }

  /** The entries of {@code merged} (one per key) with {@link #apply} applied to each. */
  public Iterator<Entry> apply(Iterator<Entry> merged) {
    if (byStart.length == 0) {
      return merged;
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return merged.hasNext();
      }

      @Override
      public Entry next() {
        if (!merged.hasNext()) {
          throw new NoSuchElementException();
        }
        Entry e = merged.next();
        return apply(e.key(), e);
      }
    };
  }

  /** A key span {@code [from, to)}; null bounds are open. */
  public record Span(byte[] from, byte[] to) {}

  /**
   * The parts of {@code [from, to)} where an object whose entries are all at or below {@code
   * maxVersion} can hold a visible entry: outside every range deleted after it. A scan reads only
   * these, so a deleted range costs nothing to scan past, however many keys it covered. In key
   * order.
   */
  public List<Span> visibleSpans(byte[] from, byte[] to, long maxVersion) {
    List<Span> spans = new ArrayList<>();
    byte[] cursor = from; // null: before every key
    for (RangeTombstone t : byStart) {
      if (to != null && Arrays.compareUnsigned(t.start(), to) >= 0) {
        break;
      }
      if (t.version() <= maxVersion
          || (cursor != null && Arrays.compareUnsigned(t.end(), cursor) <= 0)) {
        continue;
      }
      if (cursor == null || Arrays.compareUnsigned(t.start(), cursor) > 0) {
        spans.add(new Span(cursor, t.start()));
      }
      cursor = t.end();
      if (to != null && Arrays.compareUnsigned(cursor, to) >= 0) {
        return spans;
      }
    }
    spans.add(new Span(cursor, to));
    return spans;
  }
}
