package io.objectkv.core.read;

import io.objectkv.core.manifest.SstInfo;
import io.objectkv.format.BlockHandle;
import io.objectkv.format.BlockLoader;
import io.objectkv.format.CorruptionException;
import io.objectkv.format.DataBlock;
import io.objectkv.format.IndexBlock;
import io.objectkv.format.SstMetadata;
import io.objectkv.format.SstReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens SSTs: keeps every live object's metadata (footer, index, filter) in memory and loads data
 * blocks through the {@link BlockCache}. A range that fails its checksum is fetched again from the
 * source once before the error is reported.
 *
 * <p>An object registered whole ({@link #registerFromBytes}) keeps its bytes while they fit in a
 * budget, newest first: its blocks load from memory. Those are the fresh L0 objects, the ones the
 * newest writes are in; through the fetcher each read of one cost a store request and, on a
 * replica, a disk cache file written for an object the compactor replaces seconds later.
 */
public final class TableCache {
  private static final Logger log = LoggerFactory.getLogger(TableCache.class);

  private final RangeFetcher fetcher;
  private final BlockCache blocks;
  private final ConcurrentHashMap<String, SstReader> open = new ConcurrentHashMap<>();

  /** Bytes of objects registered whole kept by default. */
  public static final long HELD_BYTES = 32L << 20;

  private final long heldBudget;

  /** Objects whose bytes are held, oldest first (guarded by {@code this}). */
  private final LinkedHashMap<String, CachedBlocks> held = new LinkedHashMap<>();

  private long heldBytes;

  public TableCache(RangeFetcher fetcher, BlockCache blocks) {
    this(fetcher, blocks, HELD_BYTES);
  }

  /**
   * @param heldBudget at most this many bytes of objects registered whole are kept in memory
   */
  public TableCache(RangeFetcher fetcher, BlockCache blocks, long heldBudget) {
    this.fetcher = fetcher;
    this.blocks = blocks;
    this.heldBudget = heldBudget;
  }

  public BlockCache blocks() {
    return blocks;
  }

  /**
   * Reads a range and checks it with {@code decode}; a failed check invalidates and refetches once.
   */
  private <T> T fetchChecked(
      String key, long offset, int length, java.util.function.Function<byte[], T> decode) {
    try {
      return decode.apply(fetcher.fetch(key, offset, length));
    } catch (CorruptionException first) {
      log.warn("refetching a range that failed its check: {}", first.getMessage());
      fetcher.invalidate(key, offset, length);
      return decode.apply(fetcher.fetch(key, offset, length));
    }
  }

  public SstReader open(SstInfo info) {
    SstReader reader = open.get(info.key());
    if (reader != null) {
      return reader;
    }
    // Read outside the map's locks; a racing open of the same object wastes one read at most.
    SstReader fresh = newReader(info, readMetadata(info));
    SstReader raced = open.putIfAbsent(info.key(), fresh);
    return raced != null ? raced : fresh;
  }

  private SstMetadata readMetadata(SstInfo info) {
    String key = info.key();
    int tail = SstMetadata.tailRead(info.sizeBytes());
    return fetchChecked(key, info.sizeBytes() - tail, tail, bytes -> decodeMetadata(info, bytes));
  }

  private SstMetadata decodeMetadata(SstInfo info, byte[] tail) {
    long tailStart = info.sizeBytes() - tail.length;
    return SstMetadata.read(
        info.key(),
        info.sizeBytes(),
        (offset, length) ->
            offset >= tailStart
                ? Arrays.copyOfRange(
                    tail, (int) (offset - tailStart), (int) (offset - tailStart) + length)
                : fetchChecked(info.key(), offset, length, b -> b));
  }

  private SstReader newReader(SstInfo info, SstMetadata meta) {
    return new SstReader(meta, new CachedBlocks(info.key(), meta));
  }

  /**
   * Bytes a scan fetches in one request when it misses: the block it needs and the ones it reads
   * next. S3 bills requests, not bytes, and a scan took one GET per block (16 KiB).
   */
  static final int SCAN_READ_AHEAD = 256 << 10;

  /**
   * The data blocks of one SST, through the block cache: from the object's bytes while they are
   * held, else from the fetcher.
   */
  private final class CachedBlocks implements BlockLoader {
    private final String key;
    private final SstMetadata meta;
    private volatile byte[] whole;

    CachedBlocks(String key, SstMetadata meta) {
      this.key = key;
      this.meta = meta;
    }

    @Override
    public DataBlock load(int block, BlockHandle h) {
      return blocks.get(key, h.offset(), () -> fetchOne(h));
    }

    /**
     * On a miss, fetches the run of blocks the scan reads next, up to {@link #SCAN_READ_AHEAD}
     * bytes and up to the first one cached already, and caches them all. An object held whole needs
     * no read-ahead: each block decodes from memory when the scan reaches it.
     */
    @Override
    public DataBlock loadForScan(int block, BlockHandle h, boolean reverse) {
      return blocks.get(
          key, h.offset(), () -> whole != null ? fetchOne(h) : loadRun(block, reverse));
    }

    private DataBlock loadRun(int block, boolean reverse) {
      IndexBlock index = meta.index();
      int first = block;
      int last = block;
      int step = reverse ? -1 : 1;
      for (int next = block + step;
          next >= 0
              && next < index.blockCount()
              && Math.max(index.handle(last).end(), index.handle(next).end())
                      - Math.min(index.handle(first).offset(), index.handle(next).offset())
                  <= SCAN_READ_AHEAD
              && !blocks.holds(key, index.handle(next).offset());
          next += step) {
        first = Math.min(first, next);
        last = Math.max(last, next);
      }
      if (first == last) {
        BlockHandle h = index.handle(block);
        return fetchOne(h);
      }
      long[] ends = new long[last - first + 1];
      for (int b = first; b <= last; b++) {
        ends[b - first] = index.handle(b).end();
      }
      List<byte[]> parts = fetcher.fetchAdjacent(key, index.handle(first).offset(), ends);
      DataBlock wanted = null;
      for (int b = first; b <= last; b++) {
        BlockHandle h = index.handle(b);
        DataBlock decoded;
        try {
          decoded = decoder(h).apply(parts.get(b - first));
        } catch (CorruptionException e) {
          if (b != block) {
            continue; // its own load checks and refetches it
          }
          log.warn("refetching a range that failed its check: {}", e.getMessage());
          fetcher.invalidate(key, h.offset(), h.length());
          decoded = fetchOne(h);
        }
        if (b == block) {
          wanted = decoded;
        } else {
          blocks.put(key, h.offset(), decoded);
        }
      }
      return wanted;
    }

    /** One block alone, checked (and fetched again once if it fails its check). */
    private DataBlock fetchOne(BlockHandle h) {
      byte[] w = whole;
      if (w != null) {
        try {
          return decoder(h).apply(Arrays.copyOfRange(w, (int) h.offset(), (int) h.end()));
        } catch (CorruptionException e) {
          log.warn("the held copy of {} failed a check; reading it from the source", key);
          release(key);
        }
      }
      return fetchChecked(key, h.offset(), h.length(), decoder(h));
    }

    private java.util.function.Function<byte[], DataBlock> decoder(BlockHandle h) {
      return bytes -> DataBlock.decode(key, h, bytes, meta.footer().formatVersion());
    }
  }

  /**
   * Registers an SST held whole in memory (a fresh L0 object): its metadata is taken from the
   * bytes, so opening it costs no request, and its blocks load from the bytes while they are held
   * (see the class comment).
   */
  public SstReader registerFromBytes(SstInfo info, byte[] object) {
    SstMetadata meta = SstReader.of(info.key(), object).metadata();
    CachedBlocks loader = new CachedBlocks(info.key(), meta);
    SstReader reader = new SstReader(meta, loader);
    hold(info.key(), loader, object);
    open.put(info.key(), reader);
    return reader;
  }

  /**
   * Registers an object from a copy of it that came another way than the store (in its manifest
   * delta, checked to be its size): false, and nothing registered, if the copy does not open, so
   * the caller reads the object instead.
   */
  public boolean registerCopy(SstInfo info, byte[] copy) {
    try {
      registerFromBytes(info, copy);
      return true;
    } catch (RuntimeException e) {
      log.warn("the copy of {} does not open: {}", info.key(), e.toString());
      return false;
    }
  }

  /** Keeps the bytes of {@code key}, letting go of the oldest held ones beyond the budget. */
  private synchronized void hold(String key, CachedBlocks loader, byte[] object) {
    release(key);
    if (object.length > heldBudget) {
      return;
    }
    loader.whole = object;
    held.put(key, loader);
    heldBytes += object.length;
    var oldest = held.entrySet().iterator();
    while (heldBytes > heldBudget) {
      CachedBlocks gone = oldest.next().getValue();
      oldest.remove();
      heldBytes -= gone.whole.length;
      gone.whole = null;
    }
  }

  /** Lets go of the bytes of {@code key}, if held: its blocks load from the fetcher from now. */
  private synchronized void release(String key) {
    CachedBlocks gone = held.remove(key);
    if (gone != null) {
      heldBytes -= gone.whole.length;
      gone.whole = null;
    }
  }

  /** Bytes of objects registered whole held in memory. */
  public synchronized long heldBytes() {
    return heldBytes;
  }

  /** Opens many SSTs, reading the metadata of those not yet open in parallel (cold boot). */
  public List<SstReader> openAll(List<SstInfo> infos) {
    List<SstInfo> missing = infos.stream().filter(i -> !open.containsKey(i.key())).toList();
    if (!missing.isEmpty()) {
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<SstReader>> pending = new ArrayList<>();
        for (SstInfo info : missing) {
          pending.add(pool.submit(() -> open(info)));
        }
        for (Future<SstReader> f : pending) {
          f.get();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while opening SSTs", e);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof RuntimeException re) {
          throw re;
        }
        throw new IllegalStateException("opening SSTs failed", e.getCause());
      }
    }
    List<SstReader> readers = new ArrayList<>(infos.size());
    for (SstInfo info : infos) {
      readers.add(open(info));
    }
    return readers;
  }

  /** Drops the metadata, and any held bytes, of objects no longer referenced. */
  public void retainOnly(Set<String> keys) {
    open.keySet().retainAll(keys);
    synchronized (this) {
      for (String key : List.copyOf(held.keySet())) {
        if (!keys.contains(key)) {
          release(key);
        }
      }
    }
  }

  public int openCount() {
    return open.size();
  }

  public long metadataBytes() {
    return open.values().stream().mapToLong(r -> r.metadata().memoryBytes()).sum();
  }
}
