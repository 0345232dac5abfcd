package io.objectkv.format;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds an SST from entries added in strictly increasing key order, streaming data blocks to
 * {@code out} as they fill. Memory holds one data block, the index and the key hashes for the
 * filter.
 */
public final class SstWriter {
  private final OutputStream out;
  private final SstOptions options;

  private final ByteWriter block;
  private int[] slots = new int[256];
  private int slotCount;
  private final ByteWriter index = new ByteWriter(4096);
  private int[] indexSlots = new int[64];
  private int indexCount;
  private long[] hashes = new long[1024];

  private long offset;
  private long entryCount;
  private byte[] minKey;
  private byte[] lastKey;
  private final List<RangeTombstone> rangeTombstones = new ArrayList<>();
  private long minVersion = Long.MAX_VALUE;
  private long maxVersion = Long.MIN_VALUE;
  private boolean finished;

  public SstWriter(OutputStream out, SstOptions options) {
    this.out = out;
    this.options = options;
    this.block = new ByteWriter(options.blockSize() + 1024);
  }

  /** Adds an entry that does not expire; an empty value is a tombstone. */
  public void add(byte[] key, long version, byte[] value) {
    add(key, version, value, Entry.NEVER);
  }

  public void add(Entry e) {
    add(e.key(), e.version(), e.value(), e.expiresAtMillis());
  }

  /**
   * Adds an entry; an empty value is a tombstone, {@code expiresAtMillis} {@link Entry#NEVER} or
   * when the value expires. Keys must strictly increase.
   */
  public void add(byte[] key, long version, byte[] value, long expiresAtMillis) {
    if (finished) {
      throw new IllegalStateException("SST already finished");
    }
    if (key.length == 0 || key.length > SstLayout.MAX_KEY_LENGTH) {
      throw new IllegalArgumentException("key length " + key.length);
    }
    if (value.length > SstLayout.MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("value length " + value.length);
    }
    if (version < 0 || expiresAtMillis < 0) {
      throw new IllegalArgumentException("negative version or expiry");
    }
    if (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0) {
      throw new IllegalArgumentException("keys must strictly increase");
    }
    if (slotCount == slots.length) {
      slots = Arrays.copyOf(slots, slotCount * 2);
    }
    slots[slotCount++] = block.size();
    block.writeVarint(key.length);
    block.writeVarint(value.length);
    block.writeVarint(version);
    block.writeVarint(expiresAtMillis);
    block.writeBytes(key);
    block.writeBytes(value);

    if (entryCount == hashes.length) {
      hashes = Arrays.copyOf(hashes, hashes.length * 2);
    }
    hashes[(int) entryCount] = BloomFilter.hash(key);
    if (minKey == null) {
      minKey = key.clone();
    }
    lastKey = key.clone();
    entryCount++;
    minVersion = Math.min(minVersion, version);
    maxVersion = Math.max(maxVersion, version);
    if (block.size() >= options.blockSize()) {
      flushBlock();
    }
  }

  /** Adds a range tombstone, in any order with the entries (it may cover some of them). */
  public void addRangeTombstone(RangeTombstone t) {
    if (finished) {
      throw new IllegalStateException("SST already finished");
    }
    rangeTombstones.add(t);
    minVersion = Math.min(minVersion, t.version());
    maxVersion = Math.max(maxVersion, t.version());
  }

  /** Entries added so far. */
  public long entryCount() {
    return entryCount;
  }

  /** Bytes written to the output so far plus the open block: the object's approximate size. */
  public long estimatedSize() {
    return offset + block.size();
  }

  private void flushBlock() {
    if (slotCount == 0) {
      return;
    }
    SlottedPayload.writeSlots(block, slots, slotCount);
    byte[] stored = BlockCodec.encode(block.array(), block.size(), options.compress());
    write(stored);
    if (indexCount == indexSlots.length) {
      indexSlots = Arrays.copyOf(indexSlots, indexCount * 2);
    }
    indexSlots[indexCount++] = index.size();
    IndexBlock.writeEntry(index, lastKey, offset - stored.length, stored.length);
    block.reset();
    slotCount = 0;
  }

  private BlockHandle writeBlock(byte[] raw, int length) {
    byte[] stored = BlockCodec.encode(raw, length, options.compress());
    long at = offset;
    write(stored);
    return new BlockHandle(at, stored.length);
  }

  private void write(byte[] bytes) {
    try {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("writing SST block at offset " + offset, e);
    }
    offset += bytes.length;
  }

  /** Finishes the SST without a WAL section. */
  public SstSummary finish() {
    return finish(null);
  }

  /**
   * Writes the remaining blocks, the optional WAL section payload, the range tombstones, the index,
   * the filter and the footer, and flushes the output.
   */
  public SstSummary finish(byte[] walSection) {
    if (finished) {
      throw new IllegalStateException("SST already finished");
    }
    flushBlock();
    finished = true;
    BlockHandle wal = new BlockHandle(0, 0);
    if (walSection != null) {
      wal = writeBlock(walSection, walSection.length);
    }
    BlockHandle ranges = new BlockHandle(0, 0);
    if (!rangeTombstones.isEmpty()) {
      byte[] block = RangeTombstoneBlock.encode(rangeTombstones);
      ranges = writeBlock(block, block.length);
    }
    SlottedPayload.writeSlots(index, indexSlots, indexCount);
    BlockHandle indexHandle = writeBlock(index.array(), index.size());
    byte[] filter = BloomFilter.build(hashes, (int) entryCount, options.bloomBitsPerKey()).encode();
    BlockHandle filterHandle = writeBlock(filter, filter.length);
    boolean empty = entryCount == 0 && rangeTombstones.isEmpty();
    Footer footer =
        new Footer(
            indexHandle,
            filterHandle,
            wal,
            ranges,
            entryCount,
            empty ? 0 : minVersion,
            empty ? 0 : maxVersion,
            SstLayout.FORMAT_VERSION);
    write(footer.encode());
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("flushing SST", e);
    }
    byte[] low = minKey;
    byte[] high = lastKey;
    for (RangeTombstone t : rangeTombstones) {
      // The manifest's key bounds are inclusive; a range's end is not in it, but a bound past
      // every covered key is all overlap tests need.
      low = low == null || Arrays.compareUnsigned(t.start(), low) < 0 ? t.start() : low;
      high = high == null || Arrays.compareUnsigned(t.end(), high) > 0 ? t.end() : high;
    }
    return new SstSummary(
        offset,
        entryCount,
        rangeTombstones.size(),
        low,
        high,
        footer.minVersion(),
        footer.maxVersion(),
        indexCount);
  }
}
