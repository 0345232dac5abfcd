package io.objectkv.core.read;

import io.objectkv.format.DataBlock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Decoded data blocks in memory, least recently used evicted first, bounded in bytes. Concurrent
 * misses for one block share one load.
 */
public final class BlockCache {
  private static final int SHARDS = 16;

  private record BlockId(String objectKey, long offset) {}

  private static final class Shard extends LinkedHashMap<BlockId, DataBlock> {
    private final long capacity;
    private long bytes;

    Shard(long capacity) {
      super(64, 0.75f, true);
      this.capacity = capacity;
    }

    synchronized DataBlock lookup(BlockId id) {
      return get(id);
    }

    synchronized boolean holds(BlockId id) {
      return containsKey(id); // does not count as a use
    }

    synchronized void insert(BlockId id, DataBlock block) {
      if (block.memoryBytes() > capacity) {
        return;
      }
      DataBlock old = put(id, block);
      bytes += block.memoryBytes() - (old == null ? 0 : old.memoryBytes());
      var it = entrySet().iterator();
      while (bytes > capacity && it.hasNext()) {
        Map.Entry<BlockId, DataBlock> eldest = it.next();
        bytes -= eldest.getValue().memoryBytes();
        it.remove();
      }
    }

    synchronized long bytes() {
      return bytes;
    }
  }

  private final Shard[] shards = new Shard[SHARDS];
  private final ConcurrentHashMap<BlockId, CompletableFuture<DataBlock>> loading =
      new ConcurrentHashMap<>();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();

  public BlockCache(long capacityBytes) {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard(capacityBytes / SHARDS);
    }
  }

  private Shard shard(BlockId id) {
    return shards[Math.floorMod(id.hashCode(), SHARDS)];
  }

  /** The cached block, or the result of {@code load}, shared with concurrent callers. */
  public DataBlock get(String objectKey, long offset, Supplier<DataBlock> load) {
    BlockId id = new BlockId(objectKey, offset);
    Shard shard = shard(id);
    DataBlock cached = shard.lookup(id);
    if (cached != null) {
      hits.increment();
      return cached;
    }
    misses.increment();
    CompletableFuture<DataBlock> mine = new CompletableFuture<>();
    CompletableFuture<DataBlock> theirs = loading.putIfAbsent(id, mine);
    if (theirs != null) {
      return join(theirs);
    }
    try {
      DataBlock block = load.get();
      shard.insert(id, block);
      mine.complete(block);
      return block;
    } catch (RuntimeException | Error e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      loading.remove(id, mine);
    }
  }

  /** Whether the block is cached; it does not count as a use. */
  public boolean holds(String objectKey, long offset) {
    BlockId id = new BlockId(objectKey, offset);
    return shard(id).holds(id);
  }

  /** Adds a block that is already decoded (the writer's own fresh objects, a scan's read-ahead). */
  public void put(String objectKey, long offset, DataBlock block) {
    BlockId id = new BlockId(objectKey, offset);
    shard(id).insert(id, block);
  }

  private static DataBlock join(CompletableFuture<DataBlock> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a block load", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("block load failed", e.getCause());
    }
  }

  public long hits() {
    return hits.sum();
  }

  public long misses() {
    return misses.sum();
  }

  public long bytes() {
    long total = 0;
    for (Shard s : shards) {
      total += s.bytes();
    }
    return total;
  }
}
