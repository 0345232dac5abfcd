package io.objectkv.compactor.merge;

import io.objectkv.core.manifest.ManifestEdit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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
 * copies come in their manifest deltas, are kept too ({@link #keepCopy}), in memory: one file
 * written and deleted per group commit cost the compactor's loop a fifth of its CPU.
 *
 * <p>A kept file holds exactly the bytes of its object: output names are unique to their
 * compaction, and a file is kept only once this process created the object. Files left by an
 * earlier process are deleted at start, since an upload may have been cut short. When the budget is
 * exceeded the oldest L1 outputs go first (read again only when new L0 data overlaps them), then
 * the oldest L0 outputs. A file may go while a merge reads it: readers fall back to the store.
 */
public final class KeptOutputs {
  private sealed interface Kept {
    long size();
  }

  private record OnDisk(Path file, long size, ManifestEdit.Level level) implements Kept {}

  private record InMemory(byte[] bytes) implements Kept {
    @Override
    public long size() {
      return bytes.length;
    }
  }

  /**
   * Bytes of copies held in memory, at most: L0 at its bound (64 objects) of the largest copies (64
   * KiB). Past it a copy is not kept and its merge reads the object from the store.
   */
  static final long COPY_MEMORY_BYTES = 4L << 20;

  private final Path dir;
  private final long budgetBytes;
  private final Map<String, Kept> kept = new LinkedHashMap<>(); // oldest first
  private final AtomicLong bytesServed = new AtomicLong();
  private long bytes; // on disk
  private long copyBytes; // in memory

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
      release(kept.put(key, new OnDisk(target, size, level)));
      bytes += size;
      evictOver(ManifestEdit.Level.L1);
      evictOver(ManifestEdit.Level.L0);
    }
  }

  /**
   * Keeps {@code bytes}, the copy of L0 object {@code key} that came in its manifest delta, as if
   * this compactor had written it; in memory, within {@link #COPY_MEMORY_BYTES}.
   */
  public synchronized void keepCopy(String key, byte[] bytes) {
    if (budgetBytes == 0 || copyBytes + bytes.length > COPY_MEMORY_BYTES) {
      return; // only a saving lost
    }
    release(kept.put(key, new InMemory(bytes)));
    copyBytes += bytes.length;
  }

  private void evictOver(ManifestEdit.Level level) {
    for (Iterator<Kept> it = kept.values().iterator(); bytes > budgetBytes && it.hasNext(); ) {
      if (it.next() instanceof OnDisk d && d.level() == level) {
        it.remove();
        release(d);
      }
    }
  }

  /** Gives back what {@code k} took (nothing for null). */
  private void release(Kept k) {
    switch (k) {
      case null -> {}
      case OnDisk d -> {
        bytes -= d.size();
        deleteQuietly(d.file());
      }
      case InMemory m -> copyBytes -= m.size();
    }
  }

  /**
   * {@code length} bytes of the kept copy of {@code key} from {@code offset} (fewer only if the
   * object ends first), or empty when there is none (any more).
   */
  public Optional<byte[]> read(String key, long offset, int length) {
    Kept k;
    synchronized (this) {
      k = kept.get(key);
    }
    byte[] b =
        switch (k) {
          case null -> null;
          case InMemory m ->
              offset == 0 && length >= m.bytes().length
                  ? m.bytes()
                  : Arrays.copyOfRange(
                      m.bytes(),
                      (int) Math.min(offset, m.bytes().length),
                      (int) Math.min(offset + length, m.bytes().length));
          case OnDisk d -> readFile(key, d.file(), offset, length);
        };
    if (b != null) {
      bytesServed.addAndGet(b.length);
    }
    return Optional.ofNullable(b);
  }

  private static byte[] readFile(String key, Path file, long offset, int length) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long available = Math.max(0, ch.size() - offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, available));
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {}
      return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
    } catch (NoSuchFileException e) {
      return null; // let go to make room: the store has it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kept copy of " + key + " at " + file, e);
    }
  }

  /**
   * Drops the copies of objects no compaction will read again (inputs of applied ones, outputs of
   * rejected ones).
   */
  public synchronized void forget(Collection<String> keys) {
    for (String key : keys) {
      release(kept.remove(key));
    }
  }

  /** Drops the copies held in memory (a loop that parks holds none). */
  public synchronized void forgetCopies() {
    for (Iterator<Kept> it = kept.values().iterator(); it.hasNext(); ) {
      if (it.next() instanceof InMemory m) {
        it.remove();
        release(m);
      }
    }
  }

  /** The file that keeps {@code key}, if it is kept on disk. */
  synchronized Optional<Path> file(String key) {
    return kept.get(key) instanceof OnDisk d ? Optional.of(d.file()) : Optional.empty();
  }

  /** Whether a copy of {@code key} is kept. */
  synchronized boolean holds(String key) {
    return kept.containsKey(key);
  }

  /** Bytes kept, on disk and in memory. */
  public synchronized long bytes() {
    return bytes + copyBytes;
  }

  public synchronized int count() {
    return kept.size();
  }

  /** Bytes merges read from here instead of the store, since start. */
  public long bytesServed() {
    return bytesServed.get();
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a file left behind is deleted at the next start
    }
  }
}
