package io.objectkv.compactor.merge;

import io.objectkv.core.manifest.ManifestEdit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * This compactor's own outputs, kept on local disk once uploaded, up to a byte budget. A tier
 * merge's output is the input of the next, wider merge or of the compaction into L1, usually
 * minutes later: reading it back from here instead of S3 saves most of the compactor's GETs (they
 * were half of all S3 requests under a steady write load). The writer's small L0 objects, whose
 * copies come in their manifest deltas, are kept the same way ({@link #keepCopy}).
 *
 * <p>A kept file holds exactly the bytes of its object: output names are unique to their
 * compaction, and a file is kept only once this process created the object. Files left by an
 * earlier process are deleted at start, since an upload may have been cut short. When the budget is
 * exceeded the oldest L1 outputs go first (read again only when new L0 data overlaps them), then
 * the oldest L0 outputs. A file may go while a merge reads it: readers fall back to the store.
 */
public final class KeptOutputs {
  private record Kept(Path file, long size, ManifestEdit.Level level) {}

  private final Path dir;
  private final long budgetBytes;
  private final Map<String, Kept> kept = new LinkedHashMap<>(); // oldest first
  private final AtomicLong bytesServed = new AtomicLong();
  private long bytes;

  /**
   * @param dir emptied now: what an earlier process left there is not trusted
   * @param budgetBytes 0 keeps nothing
   */
  public KeptOutputs(Path dir, long budgetBytes) {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("budget must be >= 0, got " + budgetBytes);
    }
    this.dir = dir;
    this.budgetBytes = budgetBytes;
    try {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> old = Files.list(dir)) {
          old.forEach(KeptOutputs::deleteQuietly);
        }
      }
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + dir + " for kept compaction outputs", e);
    }
  }

  /**
   * Takes {@code file}, just uploaded as object {@code key}: moves it here, or deletes it when it
   * does not fit the budget.
   */
  public void keep(String key, Path file, ManifestEdit.Level level) {
    long size;
    Path target = dir.resolve(key.replace('/', '_'));
    try {
      size = Files.size(file);
      if (size > budgetBytes) {
        deleteQuietly(file);
        return;
      }
      Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      deleteQuietly(file);
      return; // only a saving lost
    }
    synchronized (this) {
      Kept old = kept.put(key, new Kept(target, size, level));
      bytes += size - (old == null ? 0 : old.size());
      evictOver(ManifestEdit.Level.L1);
      evictOver(ManifestEdit.Level.L0);
    }
  }

  /**
   * Keeps {@code bytes}, the copy of L0 object {@code key} that came in its manifest delta, as if
   * this compactor had written it.
   */
  public void keepCopy(String key, byte[] bytes) {
    if (bytes.length > budgetBytes) {
      return;
    }
    Path file = dir.resolve(key.replace('/', '_') + ".copy");
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      deleteQuietly(file);
      return; // only a saving lost
    }
    keep(key, file, ManifestEdit.Level.L0);
  }

  private void evictOver(ManifestEdit.Level level) {
    for (Iterator<Kept> it = kept.values().iterator(); bytes > budgetBytes && it.hasNext(); ) {
      Kept k = it.next();
      if (k.level() == level) {
        it.remove();
        bytes -= k.size();
        deleteQuietly(k.file());
      }
    }
  }

  /** The local copy of {@code key}, if kept. */
  public synchronized Optional<Path> file(String key) {
    return Optional.ofNullable(kept.get(key)).map(Kept::file);
  }

  /**
   * Drops the copies of objects no compaction will read again (inputs of applied ones, outputs of
   * rejected ones).
   */
  public synchronized void forget(Collection<String> keys) {
    for (String key : keys) {
      Kept k = kept.remove(key);
      if (k != null) {
        bytes -= k.size();
        deleteQuietly(k.file());
      }
    }
  }

  public synchronized long bytes() {
    return bytes;
  }

  public synchronized int count() {
    return kept.size();
  }

  /** Bytes merges read from here instead of the store, since start. */
  public long bytesServed() {
    return bytesServed.get();
  }

  void served(long n) {
    bytesServed.addAndGet(n);
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a file left behind is deleted at the next start
    }
  }
}
