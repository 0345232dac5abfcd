package io.objectkv.core.read;

import io.objectkv.format.Entry;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;

/**
 * Merges sorted sources into one sorted stream with one entry per key: where sources share a key,
 * the highest version wins (ties go to the earlier source). Tombstones pass through, since the
 * compactor must see them; readers drop them.
 */
public final class MergingIterator implements Iterator<Entry> {
  private record Head(Entry entry, int source, Iterator<Entry> rest) {}

  private final PriorityQueue<Head> heap;

  public MergingIterator(List<Iterator<Entry>> sources, boolean reverse) {
    // Written out, not chained: a chain of lambdas boxes each version and runs megamorphic calls,
    // and this compare is the inner loop of every merge and scan.
    Comparator<Head> order =
        reverse
            ? (a, b) -> {
              int c = Arrays.compareUnsigned(b.entry.key(), a.entry.key());
              return c != 0 ? c : newerFirst(a, b);
            }
            : (a, b) -> {
              int c = Arrays.compareUnsigned(a.entry.key(), b.entry.key());
              return c != 0 ? c : newerFirst(a, b);
            };
    heap = new PriorityQueue<>(Math.max(1, sources.size()), order);
    for (int i = 0; i < sources.size(); i++) {
      push(sources.get(i), i);
    }
  }

  /** Of two heads of one key, the higher version first, then the earlier source. */
  private static int newerFirst(Head a, Head b) {
    int c = Long.compare(b.entry.version(), a.entry.version());
    return c != 0 ? c : Integer.compare(a.source, b.source);
  }

  private void push(Iterator<Entry> it, int source) {
    if (it.hasNext()) {
      heap.add(new Head(it.next(), source, it));
    }
  }

  @Override
  public boolean hasNext() {
    return !heap.isEmpty();
  }

  @Override
  public Entry next() {
    Head top = heap.poll();
    if (top == null) {
      throw new NoSuchElementException();
    }
    push(top.rest, top.source);
    // Older versions of the same key are shadowed: skip them.
    while (!heap.isEmpty() && Arrays.equals(heap.peek().entry.key(), top.entry.key())) {
      Head shadowed = heap.poll();
      push(shadowed.rest, shadowed.source);
    }
    return top.entry;
  }
}
