package io.objectkv.format;

import java.util.List;

/**
 * What a reader keeps in memory for one SST: footer, range tombstones, index and bloom filter. They
 * sit together at the end of the object, so one ranged read of the tail usually fetches them all.
 */
public final class SstMetadata {
  /** The least of the tail read first; a larger index costs a second read. */
  public static final int DEFAULT_TAIL_READ = 64 * 1024;

  /**
   * How much of an object's tail to read first. Index and filter grow with the object (about 1% of
   * it for 100-byte values: an index entry per 16 KiB block, 10 filter bits per key), so a fixed 64
   * KiB took two reads of every large object; a 64th of it takes one, and costs at most 1.6% more
   * bytes.
   */
  public static int tailRead(long objectLength) {
    return (int)
        Math.min(
            objectLength, Math.min(MAX_TAIL_READ, Math.max(DEFAULT_TAIL_READ, objectLength / 64)));
  }

  private static final int MAX_TAIL_READ = 4 << 20;

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
  private final List<RangeTombstone> rangeTombstones;

  private SstMetadata(
      String source,
      long objectLength,
      Footer footer,
      IndexBlock index,
      BloomFilter filter,
      List<RangeTombstone> rangeTombstones) {
    this.source = source;
    this.objectLength = objectLength;
    this.footer = footer;
    this.index = index;
    this.filter = filter;
    this.rangeTombstones = rangeTombstones;
  }

  /** Reads the metadata with one ranged read of the tail, or two when the index is large. */
  public static SstMetadata read(String source, long objectLength, RangeReader reader) {
    int first = tailRead(objectLength);
    byte[] tail = reader.read(objectLength - first, first);
    if (tail.length != first) {
      throw new CorruptionException(
          source, objectLength - first, "short read of the tail: " + tail.length + " bytes");
    }
    Footer footer = Footer.decode(source, objectLength, tail, tail.length);
    long needed = objectLength - footer.metadataStart();
    if (needed > tail.length) {
      tail = reader.read(footer.metadataStart(), (int) needed);
    }
    return decode(source, objectLength, footer, tail);
  }

  /**
   * Decodes the metadata from {@code tail}, the last bytes of the object (at least {@link
   * Footer#metadataStart()} onward).
   */
  public static SstMetadata decode(String source, long objectLength, Footer footer, byte[] tail) {
    long tailStart = objectLength - tail.length;
    if (tailStart > footer.metadataStart()) {
      throw new IllegalArgumentException("tail does not reach back to the metadata of " + source);
    }
    List<RangeTombstone> ranges = List.of();
    if (footer.hasRangeTombstones()) {
      BlockHandle rh = footer.rangeTombstones();
      byte[] raw =
          BlockCodec.decode(
              source, rh.offset(), tail, (int) (rh.offset() - tailStart), rh.length());
      ranges = RangeTombstoneBlock.decode(source, rh.offset(), raw);
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
        source,
        objectLength,
        footer,
        index,
        BloomFilter.decode(source, fh.offset(), filterRaw),
        ranges);
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

  /** The range tombstones this SST holds (they may hide entries of other SSTs too). */
  public List<RangeTombstone> rangeTombstones() {
    return rangeTombstones;
  }

  /** Bytes held in memory by this metadata, for cache accounting. */
  public long memoryBytes() {
    long ranges = 0;
    for (RangeTombstone t : rangeTombstones) {
      ranges += 48L + t.start().length + t.end().length;
    }
    return 128 + index.memoryBytes() + filter.memoryBytes() + ranges;
  }
}
