package io.objectkv.core.read;

import io.objectkv.format.Entry;
import io.objectkv.format.SstReader;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A sorted run (non-overlapping SSTs in key order) read as one stream: each object is opened for
 * scanning only when the previous one is exhausted, so only one object's blocks are in use.
 */
public final class SortedRunIterator implements Iterator<Entry> {
  private final Iterator<SstReader> objects;
  private final byte[] from;
  private final byte[] to;
  private final boolean reverse;
  private Iterator<Entry> current = Collections.emptyIterator();

  /** {@code objects} in scan order: key order, or reverse key order when {@code reverse}. */
  public SortedRunIterator(List<SstReader> objects, byte[] from, byte[] to, boolean reverse) {
    this.objects = objects.iterator();
    this.from = from;
    this.to = to;
    this.reverse = reverse;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && objects.hasNext()) {
      current = objects.next().scan(from, to, reverse);
    }
    return current.hasNext();
  }

  @Override
  public Entry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
