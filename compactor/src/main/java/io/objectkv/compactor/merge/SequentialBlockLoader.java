package io.objectkv.compactor.merge;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.format.BlockHandle;
import io.objectkv.format.BlockLoader;
import io.objectkv.format.DataBlock;
import io.objectkv.format.IndexBlock;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads the data blocks of one SST for a front-to-back scan: one ranged GET fetches as many
 * consecutive blocks as fit in the read-ahead, and only that window is held in memory. This is what
 * keeps a compaction's memory bounded whatever the size of its inputs.
 */
final class SequentialBlockLoader implements BlockLoader {
  private final ObjectStore store;
  private final String key;
  private final IndexBlock index;
  private final int readAhead;
  private final AtomicLong bytesRead;
  private int windowStart = -1;
  private DataBlock[] window = new DataBlock[0];

  SequentialBlockLoader(
      ObjectStore store, String key, IndexBlock index, int readAhead, AtomicLong bytesRead) {
    this.store = store;
    this.key = key;
    this.index = index;
    this.readAhead = readAhead;
    this.bytesRead = bytesRead;
  }

  @Override
  public DataBlock load(int block, BlockHandle handle) {
    if (block >= windowStart && block < windowStart + window.length) {
      return window[block - windowStart];
    }
    int last = block;
    long end = handle.end();
    while (last + 1 < index.blockCount()
        && index.handle(last + 1).end() - handle.offset() <= readAhead) {
      last++;
      end = index.handle(last).end();
    }
    byte[] range = store.getRange(key, handle.offset(), (int) (end - handle.offset()));
    bytesRead.addAndGet(range.length);
    DataBlock[] blocks = new DataBlock[last - block + 1];
    for (int b = block; b <= last; b++) {
      BlockHandle h = index.handle(b);
      int from = (int) (h.offset() - handle.offset());
      blocks[b - block] =
          DataBlock.decode(key, h, Arrays.copyOfRange(range, from, from + h.length()));
    }
    window = blocks;
    windowStart = block;
    return blocks[0];
  }
}
