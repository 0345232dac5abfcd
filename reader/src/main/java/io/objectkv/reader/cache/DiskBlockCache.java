package io.objectkv.reader.cache;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.RangeFetcher;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;
import io.objectkv.format.CorruptionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Byte ranges of objects kept on local disk, in front of the object store: a bounded LRU that
 * survives restarts. File names are hashes of (object key, offset, length), never user input. Each
 * file carries its identity and a CRC32C of its bytes; a file that fails either check is deleted
 * and the range fetched again, never served.
 *
 * <p>File layout: {@code magic u32 "OKVC" | version u8 | crc32c u32 | object_key (varint length,
 * UTF-8) | offset u64 | length u32 | bytes}.
 */
public final class DiskBlockCache implements RangeFetcher {
  private static final Logger log = LoggerFactory.getLogger(DiskBlockCache.class);
  private static final int MAGIC = 0x4F4B5643;
  private static final int VERSION = 1;
  private static final String SUFFIX = ".blk";

  private final RangeFetcher source;
  private final Path dir;
  private final long capacityBytes;
  private final LinkedHashMap<String, Long> lru = new LinkedHashMap<>(1024, 0.75f, true);
  private long bytes;
  private final Metrics.Counter hits;
  private final Metrics.Counter misses;
  private final Metrics.Counter corrupt;
  private final Metrics.Counter evictions;
  private final Metrics.Counter writeFailures;
  private volatile boolean indexed;

  /**
   * Temporary files older than this were cut short by an earlier run; newer ones are this run's.
   */
  private final long createdMillis;

  private volatile long lastWriteWarning = System.nanoTime() - WARN_EVERY_NANOS;

  private static final long WARN_EVERY_NANOS = 10_000_000_000L;

  public DiskBlockCache(RangeFetcher source, Path dir, long capacityBytes, Metrics metrics) {
    this.source = source;
    this.dir = dir;
    this.capacityBytes = capacityBytes;
    this.hits =
        metrics.counter(
            "objectkv_reader_disk_cache_hits_total", "Ranges served from the local disk cache.");
    this.misses =
        metrics.counter(
            "objectkv_reader_disk_cache_misses_total", "Ranges fetched from the object store.");
    this.corrupt =
        metrics.counter(
            "objectkv_reader_disk_cache_corrupt_total",
            "Cache files that failed their check and were replaced.");
    this.evictions =
        metrics.counter(
            "objectkv_reader_disk_cache_evictions_total",
            "Cache files evicted to stay within capacity.");
    this.writeFailures =
        metrics.counter(
            "objectkv_reader_disk_cache_write_failures_total",
            "Ranges not cached because the disk refused the write (full, failing).");
    metrics.gauge(
        "objectkv_reader_disk_cache_bytes", "Bytes in the local disk cache.", this::bytes);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the disk cache directory " + dir, e);
    }
    this.createdMillis = System.currentTimeMillis();
  }

  /**
   * Rebuilds the index from the files a previous run left, oldest first, in the background: a boot
   * does not wait for thousands of files to be listed, and a reader starts it once it serves, so
   * the listing does not take CPU from the boot either. Meanwhile a range not in the index yet is
   * looked for on disk ({@link #fetch}), so a restarted replica still serves from its cache.
   */
  public void indexInBackground() {
    Thread.ofVirtual()
        .name("disk-cache-index")
        .start(
            () -> {
              try {
                index(createdMillis);
              } catch (IOException | RuntimeException e) {
                log.warn("cannot index the disk cache {}: {}; it fills again", dir, e.toString());
              } finally {
                indexed = true;
              }
            });
  }

  private void index(long startedMillis) throws IOException {
    List<Map.Entry<String, BasicFileAttributes>> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        String name = p.getFileName().toString();
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          // A temp file of this run is a write in progress; an older one was cut short.
          if (name.endsWith(".tmp") && a.lastModifiedTime().toMillis() < startedMillis) {
            Files.deleteIfExists(p);
          } else if (name.endsWith(SUFFIX)) {
            files.add(Map.entry(name, a));
          }
        } catch (NoSuchFileException gone) {
          // evicted or replaced meanwhile
        }
      }
    }
    files.sort(
        Map.Entry.comparingByValue((a, b) -> a.lastModifiedTime().compareTo(b.lastModifiedTime())));
    synchronized (this) {
      // Files of the previous run are older than those of this one: they come first in LRU order.
      LinkedHashMap<String, Long> fresh = new LinkedHashMap<>(lru);
      lru.clear();
      bytes = 0;
      for (Map.Entry<String, BasicFileAttributes> f : files) {
        if (!fresh.containsKey(f.getKey())) {
          lru.put(f.getKey(), f.getValue().size());
          bytes += f.getValue().size();
        }
      }
      fresh.forEach(
          (name, size) -> {
            lru.put(name, size);
            bytes += size;
          });
      evict();
      log.info("disk cache {}: {} files, {} bytes from a previous run", dir, files.size(), bytes);
    }
  }

  static String fileName(String objectKey, long offset, int length) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest =
          sha.digest((objectKey + "@" + offset + "+" + length).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 20) + SUFFIX;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Path path(String name) {
    return dir.resolve(name.substring(0, 2)).resolve(name);
  }

  @Override
  public byte[] fetch(String objectKey, long offset, int length) {
    byte[] cached = cached(objectKey, offset, length);
    if (cached != null) {
      return cached;
    }
    misses.inc();
    byte[] fresh = source.fetch(objectKey, offset, length);
    store(fileName(objectKey, offset, length), objectKey, offset, fresh);
    return fresh;
  }

  /**
   * Each range from disk where it is there; each run of ranges that is not, in one request to the
   * source, kept range by range (so a later read of one of them finds it).
   */
  @Override
  public List<byte[]> fetchAdjacent(String objectKey, long start, long[] ends) {
    byte[][] parts = new byte[ends.length][];
    for (int i = 0; i < ends.length; i++) {
      long from = i == 0 ? start : ends[i - 1];
      parts[i] = cached(objectKey, from, (int) (ends[i] - from));
    }
    for (int i = 0; i < ends.length; ) {
      if (parts[i] != null) {
        i++;
        continue;
      }
      int j = i;
      while (j < ends.length && parts[j] == null) {
        j++;
      }
      // ranges i..j-1 are missing: one request for them
      long runStart = i == 0 ? start : ends[i - 1];
      long[] runEnds = java.util.Arrays.copyOfRange(ends, i, j);
      misses.add(j - i);
      byte[] run = source.fetch(objectKey, runStart, (int) (ends[j - 1] - runStart));
      List<byte[]> fresh = RangeFetcher.split(run, runStart, runEnds);
      for (int k = i; k < j; k++) {
        long from = k == 0 ? start : ends[k - 1];
        parts[k] = fresh.get(k - i);
        store(fileName(objectKey, from, (int) (ends[k] - from)), objectKey, from, parts[k]);
      }
      i = j;
    }
    return List.of(parts);
  }

  /** The range from disk, or null when it is not there (or failed its checks). */
  private byte[] cached(String objectKey, long offset, int length) {
    String name = fileName(objectKey, offset, length);
    boolean known;
    synchronized (this) {
      known = lru.get(name) != null;
    }
    boolean unindexed = !known && !indexed && Files.exists(path(name));
    if (known || unindexed) {
      byte[] cached = read(name, objectKey, offset, length);
      if (cached != null) {
        if (unindexed) {
          try {
            remember(name, Files.size(path(name)));
          } catch (IOException e) {
            // gone meanwhile: the index learns of it when it is written again
          }
        }
        hits.inc();
        return cached;
      }
    }
    return null;
  }

  /** The cached bytes, or null when the file is gone or fails its checks (then it is removed). */
  private byte[] read(String name, String objectKey, long offset, int length) {
    Path p = path(name);
    byte[] file;
    try {
      file = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      forget(name);
      return null;
    } catch (IOException e) {
      log.warn("disk cache read of {} failed: {}", p, e.toString());
      return null;
    }
    try {
      ByteReader r = ByteReader.of(p.toString(), file);
      if (r.readInt() != MAGIC || r.readByte() != VERSION) {
        throw r.corrupt("not a cache file of this version");
      }
      int crc = r.readInt();
      String key = new String(r.readLengthPrefixed(4096, "object key"), StandardCharsets.UTF_8);
      long off = r.readLong();
      int len = r.readInt();
      byte[] data = r.readBytes(r.remaining());
      CRC32C c = new CRC32C();
      c.update(data);
      if (!key.equals(objectKey)
          || off != offset
          || len != length
          || data.length > length
          || (int) c.getValue() != crc) {
        throw r.corrupt(
            "cache file does not hold " + objectKey + "@" + offset + "+" + length + " intact");
      }
      return data;
    } catch (CorruptionException e) {
      corrupt.inc();
      log.warn("discarding damaged disk cache file: {}", e.getMessage());
      remove(name);
      return null;
    }
  }

  private void store(String name, String objectKey, long offset, byte[] data) {
    ByteWriter w = new ByteWriter(data.length + 64 + objectKey.length());
    CRC32C c = new CRC32C();
    c.update(data);
    w.writeInt(MAGIC);
    w.writeByte(VERSION);
    w.writeInt((int) c.getValue());
    w.writeLengthPrefixed(objectKey.getBytes(StandardCharsets.UTF_8));
    w.writeLong(offset);
    w.writeInt(data.length);
    w.writeBytes(data);
    byte[] file = w.toByteArray();
    Path p = path(name);
    Path tmp = p.resolveSibling(name + "." + Thread.currentThread().threadId() + ".tmp");
    try {
      Files.createDirectories(p.getParent());
      Files.write(tmp, file);
      Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // A full or failing disk costs the cache, not the read: the bytes came from the store.
      writeFailures.inc();
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the next write of this name replaces it
      }
      long now = System.nanoTime();
      if (now - lastWriteWarning > WARN_EVERY_NANOS) {
        lastWriteWarning = now;
        log.warn(
            "cannot write disk cache files ({} failures so far), e.g. {}: {}",
            writeFailures.get(),
            p,
            e.toString());
      }
      return;
    }
    remember(name, file.length);
  }

  private synchronized void remember(String name, long size) {
    Long old = lru.put(name, size);
    bytes += size - (old == null ? 0 : old);
    evict();
  }

  private synchronized void evict() {
    var it = lru.entrySet().iterator();
    while (bytes > capacityBytes && it.hasNext()) {
      Map.Entry<String, Long> eldest = it.next();
      bytes -= eldest.getValue();
      it.remove();
      evictions.inc();
      try {
        Files.deleteIfExists(path(eldest.getKey()));
      } catch (IOException e) {
        log.warn("cannot delete evicted cache file {}: {}", eldest.getKey(), e.toString());
      }
    }
  }

  private synchronized void forget(String name) {
    Long size = lru.remove(name);
    if (size != null) {
      bytes -= size;
    }
  }

  private void remove(String name) {
    forget(name);
    try {
      Files.deleteIfExists(path(name));
    } catch (IOException e) {
      log.warn("cannot delete cache file {}: {}", name, e.toString());
    }
  }

  @Override
  public void invalidate(String objectKey, long offset, int length) {
    remove(fileName(objectKey, offset, length));
    source.invalidate(objectKey, offset, length);
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized int files() {
    return lru.size();
  }

  /** For tests: the file that holds a range. */
  public Path fileOf(String objectKey, long offset, int length) {
    return path(fileName(objectKey, offset, length));
  }
}
