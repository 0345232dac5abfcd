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
    Comparator<byte[]> keys =
        reverse ? (a, b) -> Arrays.compareUnsigned(b, a) : Arrays::compareUnsigned;
    Comparator<Head> order =
        Comparator.<Head, byte[]>comparing(h -> h.entry.key(), keys)
            .thenComparing(h -> h.entry.version(), Comparator.reverseOrder())
            .thenComparingInt(h -> h.source);
    heap = new PriorityQueue<>(Math.max(1, sources.size()), order);
    for (int i = 0; i < sources.size(); i++) {
      push(sources.get(i), i);
    }
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
