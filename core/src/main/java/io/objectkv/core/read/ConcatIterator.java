package io.objectkv.core.read;

import io.objectkv.format.Entry;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/** Iterators one after the other, each made only when the one before is exhausted. */
final class ConcatIterator implements Iterator<Entry> {
  private final Iterator<Supplier<Iterator<Entry>>> parts;
  private Iterator<Entry> current = Collections.emptyIterator();

  ConcatIterator(List<Supplier<Iterator<Entry>>> parts) {
    this.parts = parts.iterator();
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
