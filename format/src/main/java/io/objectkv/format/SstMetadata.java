package io.objectkv.format;

import static io.objectkv.format.SstLayout.FOOTER_LENGTH;

/**
 * What a reader keeps in memory for one SST: footer, index and bloom filter. They sit together at
 * the end of the object, so one ranged read of the tail usually fetches all three.
 */
public final class SstMetadata {
  /** How much of the tail to read first; a larger index costs a second read. */
  public static final int DEFAULT_TAIL_READ = 64 * 1024;

  /** Reads {@code length} bytes at {@code offset} of the object. */
  @FunctionalInterface
  public interface RangeReader {
    byte[] read(long offset, int length);
  }

  private final String source;
  private final long objectLength;
  private final Footer footer;
  private final IndexBlock index;
  private final BloomFilter filter;

  private SstMetadata(
      String source, long objectLength, Footer footer, IndexBlock index, BloomFilter filter) {
    this.source = source;
    this.objectLength = objectLength;
    this.footer = footer;
    this.index = index;
    this.filter = filter;
  }

  /** Reads the metadata with one ranged read of the tail, or two when the index is large. */
  public static SstMetadata read(String source, long objectLength, RangeReader reader) {
    int first = (int) Math.min(objectLength, DEFAULT_TAIL_READ);
    byte[] tail = reader.read(objectLength - first, first);
    if (tail.length != first) {
      throw new CorruptionException(
          source, objectLength - first, "short read of the tail: " + tail.length + " bytes");
    }
    Footer footer = Footer.decode(source, objectLength, tail, tail.length - FOOTER_LENGTH);
    long needed = objectLength - footer.index().offset();
    if (needed > tail.length) {
      tail = reader.read(footer.index().offset(), (int) needed);
    }
    return decode(source, objectLength, footer, tail);
  }

  /**
   * Decodes the metadata from {@code tail}, the last bytes of the object (at least index onward).
   */
  public static SstMetadata decode(String source, long objectLength, Footer footer, byte[] tail) {
    long tailStart = objectLength - tail.length;
    if (tailStart > footer.index().offset()) {
      throw new IllegalArgumentException("tail does not reach back to the index of " + source);
    }
    BlockHandle ih = footer.index();
    BlockHandle fh = footer.filter();
    byte[] indexRaw =
        BlockCodec.decode(source, ih.offset(), tail, (int) (ih.offset() - tailStart), ih.length());
    byte[] filterRaw =
        BlockCodec.decode(source, fh.offset(), tail, (int) (fh.offset() - tailStart), fh.length());
    IndexBlock index = IndexBlock.decode(source, ih.offset(), indexRaw, footer.dataEnd());
    long dataLength = index.blockCount() == 0 ? 0 : index.handle(index.blockCount() - 1).end();
    if (dataLength != footer.dataEnd()) {
      throw new CorruptionException(
          source,
          ih.offset(),
          "data blocks end at " + dataLength + ", footer says " + footer.dataEnd());
    }
    if ((footer.entryCount() == 0) != (index.blockCount() == 0)) {
      throw new CorruptionException(
          source,
          ih.offset(),
          footer.entryCount() + " entries in " + index.blockCount() + " blocks");
    }
    return new SstMetadata(
        source, objectLength, footer, index, BloomFilter.decode(source, fh.offset(), filterRaw));
  }

  public String source() {
    return source;
  }

  public long objectLength() {
    return objectLength;
  }

  public Footer footer() {
    return footer;
  }

  public IndexBlock index() {
    return index;
  }

  public BloomFilter filter() {
    return filter;
  }

  /** Bytes held in memory by this metadata, for cache accounting. */
  public long memoryBytes() {
    return 128 + index.memoryBytes() + filter.memoryBytes();
  }
}
