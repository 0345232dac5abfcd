package io.objectkv.core.read;

import io.objectkv.format.Entry;
import io.objectkv.format.SstReader;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Iterators one after the other, each made only when the one before is exhausted. */
public final class ConcatIterator implements Iterator<Entry> {
  private final Iterator<Supplier<Iterator<Entry>>> parts;
  private Iterator<Entry> current = Collections.emptyIterator();

  ConcatIterator(List<Supplier<Iterator<Entry>>> parts) {
    this.parts = parts.iterator();
  }

  /**
   * A sorted run (non-overlapping SSTs, given in scan order: key order, or reverse key order when
   * {@code reverse}) read as one stream: each object is opened for scanning only when the one
   * before is exhausted, so only one object's blocks are in use.
   */
  public static Iterator<Entry> sortedRun(
      List<SstReader> objects, byte[] from, byte[] to, boolean reverse) {
    return new ConcatIterator(
        objects.stream()
            .<Supplier<Iterator<Entry>>>map(o -> () -> o.scan(from, to, reverse))
            .toList());
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && parts.hasNext()) {
      current = parts.next().get();
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
