package io.objectkv.format;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Point lookups and ordered scans over one SST, loading data blocks on demand. */
public final class SstReader {
  private final SstMetadata meta;
  private final BlockLoader loader;

  public SstReader(SstMetadata meta, BlockLoader loader) {
    this.meta = meta;
    this.loader = loader;
  }

  /** Opens an SST held whole in memory (tests, tools, freshly built objects). */
  public static SstReader of(String source, byte[] object) {
    SstMetadata meta =
        SstMetadata.read(
            source,
            object.length,
            (offset, length) -> Arrays.copyOfRange(object, (int) offset, (int) offset + length));
    return new SstReader(
        meta,
        (block, h) ->
            DataBlock.decode(
                source,
                h,
                Arrays.copyOfRange(object, (int) h.offset(), (int) h.end()),
                meta.footer().formatVersion()));
  }

  public SstMetadata metadata() {
    return meta;
  }

  /**
   * The entry for {@code key} (possibly a tombstone), or null when this SST does not hold it. Range
   * tombstones are not applied here: they may hide entries of other SSTs, so the caller applies
   * them ({@link SstMetadata#rangeTombstones()}).
   */
  public Entry get(byte[] key) {
    return get(key, BloomFilter.hash(key));
  }

  /**
   * As {@link #get(byte[])}, with the key's {@link BloomFilter#hash} computed once by the caller.
   */
  public Entry get(byte[] key, long keyHash) {
    if (!meta.filter().mightContainHash(keyHash)) {
      return null;
    }
    IndexBlock index = meta.index();
    int b = index.blockFor(key);
    if (b == index.blockCount()) {
      return null;
    }
    return load(b).find(key);
  }

  private DataBlock load(int b) {
    return loader.load(b, meta.index().handle(b));
  }

  private DataBlock loadForScan(int b, boolean reverse) {
    return loader.loadForScan(b, meta.index().handle(b), reverse);
  }

  /**
   * Entries with {@code from <= key < to} in key order, or reverse key order. A null bound is
   * unbounded. Tombstones are included: merging them away is the caller's job.
   */
  public Iterator<Entry> scan(byte[] from, byte[] to, boolean reverse) {
    return reverse ? new Backward(from, to) : new Forward(from, to);
  }

  /**
   * An iterator that looks one entry ahead: {@link #advance} sets {@code next}, null at the end.
   */
  private abstract static class LookAhead implements Iterator<Entry> {
    Entry next;

    abstract void advance();

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Entry next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Entry e = next;
      advance();
      return e;
    }
  }

  private final class Forward extends LookAhead {
    private final byte[] to;
    private int block;
    private DataBlock current;
    private int pos;

    Forward(byte[] from, byte[] to) {
      this.to = to;
      IndexBlock index = meta.index();
      block = from == null ? 0 : index.blockFor(from);
      if (block < index.blockCount()) {
        current = loadForScan(block, false);
        pos = from == null ? 0 : current.lowerBound(from);
      }
      advance();
    }

    @Override
    void advance() {
      next = null;
      while (current != null) {
        if (pos < current.size()) {
          Entry e = current.entryAt(pos++);
          if (to != null && Arrays.compareUnsigned(e.key(), to) >= 0) {
            current = null;
            return;
          }
          next = e;
          return;
        }
        block++;
        current = block < meta.index().blockCount() ? loadForScan(block, false) : null;
        pos = 0;
      }
    }
  }

  private final class Backward extends LookAhead {
    private final byte[] from;
    private int block;
    private DataBlock current;
    private int pos;

    Backward(byte[] from, byte[] to) {
      this.from = from;
      IndexBlock index = meta.index();
      int count = index.blockCount();
      if (count > 0) {
        block = to == null ? count - 1 : Math.min(index.blockFor(to), count - 1);
        current = loadForScan(block, true);
        pos = (to == null ? current.size() : current.lowerBound(to)) - 1;
      }
      advance();
    }

    @Override
    void advance() {
      next = null;
      while (current != null) {
        if (pos >= 0) {
          Entry e = current.entryAt(pos--);
          if (from != null && Arrays.compareUnsigned(e.key(), from) < 0) {
            current = null;
            return;
          }
          next = e;
          return;
        }
        block--;
        current = block >= 0 ? loadForScan(block, true) : null;
        pos = current == null ? -1 : current.size() - 1;
      }
    }
  }
}
