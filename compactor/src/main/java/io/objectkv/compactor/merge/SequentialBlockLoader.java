package io.objectkv.compactor.merge;

import io.objectkv.format.BlockHandle;
import io.objectkv.format.BlockLoader;
import io.objectkv.format.DataBlock;
import io.objectkv.format.IndexBlock;
import io.objectkv.format.SstMetadata;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Loads the data blocks of one SST for a front-to-back scan: one ranged GET fetches as many
 * consecutive blocks as fit in the read-ahead window, and while the merge consumes a window the
 * next one is already being fetched. So at most two windows per input are in memory, which keeps a
 * compaction's memory bounded whatever the size of its inputs, and the merge rarely waits for S3.
 */
final class SequentialBlockLoader implements BlockLoader {
  /** Consecutive decoded blocks, starting at block {@code start}. */
  private record Window(int start, DataBlock[] blocks) {
    boolean holds(int block) {
      return block >= start && block < start + blocks.length;
    }
  }

  private final InputBytes input;
  private final IndexBlock index;
  private final int formatVersion;
  private final int readAhead;
  private final Executor prefetch;
  private Window current = new Window(0, new DataBlock[0]);
  private int nextStart = -1;
  private CompletableFuture<Window> next;

  SequentialBlockLoader(InputBytes input, SstMetadata meta, int readAhead, Executor prefetch) {
    this.input = input;
    this.index = meta.index();
    this.formatVersion = meta.footer().formatVersion();
    this.readAhead = readAhead;
    this.prefetch = prefetch;
  }

  @Override
  public DataBlock load(int block, BlockHandle handle) {
    if (!current.holds(block) || current.blocks()[block - current.start()] == null) {
      current = block == nextStart ? Futures.join(next) : fetch(block);
      int after = current.start() + current.blocks().length;
      if (after < index.blockCount()) {
        nextStart = after;
        next = CompletableFuture.supplyAsync(() -> fetch(after), prefetch);
      } else {
        nextStart = -1;
        next = null;
      }
    }
    // Handed over: the scan holds the block it reads, and the loader lets go of it, so an input
    // the merge has finished holds no window (a compaction into L1 keeps every L1 input open
    // until it ends; 65 last windows of 32 MiB ran a 1 GiB heap out). A block asked again is
    // fetched again.
    DataBlock[] blocks = current.blocks();
    DataBlock loaded = blocks[block - current.start()];
    blocks[block - current.start()] = null;
    return loaded;
  }

  /** Blocks fetched and not yet handed to the scan. */
  int blocksHeld() {
    return (int) Arrays.stream(current.blocks()).filter(Objects::nonNull).count();
  }

  private Window fetch(int first) {
    BlockHandle start = index.handle(first);
    int last = first;
    while (last + 1 < index.blockCount()
        && index.handle(last + 1).end() - start.offset() <= readAhead) {
      last++;
    }
    // A remainder under a quarter window comes along rather than costing a GET of its own: an
    // object's data is a little over a whole number of windows when the windows divide its target
    // size.
    int lastBlock = index.blockCount() - 1;
    if (index.handle(lastBlock).end() - index.handle(last).end() <= readAhead / 4) {
      last = lastBlock;
    }
    long end = index.handle(last).end();
    byte[] range = input.range(start.offset(), (int) (end - start.offset()));
    DataBlock[] blocks = new DataBlock[last - first + 1];
    for (int b = first; b <= last; b++) {
      BlockHandle h = index.handle(b);
      int from = (int) (h.offset() - start.offset());
      blocks[b - first] =
          DataBlock.decode(
              input.key(), h, Arrays.copyOfRange(range, from, from + h.length()), formatVersion);
    }
    return new Window(first, blocks);
  }
}
