package io.objectkv.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An object store on the local file system, for the single-machine mode. Objects appear atomically:
 * bytes go to a synced temp file that is then renamed (put) or hard-linked (put if absent: link(2)
 * fails when the name exists, so two writers can never both create one key).
 */
public final class LocalFileObjectStore implements ObjectStore {
  private static final Pattern VALID_KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final String TEMP_PREFIX = ".tmp-";

  private final Path root;

  public LocalFileObjectStore(Path root) {
    try {
      this.root = Files.createDirectories(root).toRealPath();
    } catch (IOException e) {
      throw new PermanentStoreException("cannot create object store directory " + root, e);
    }
  }

  private Path pathOf(String key) {
    if (!VALID_KEY.matcher(key).matches() || key.contains("..") || key.contains(TEMP_PREFIX)) {
      throw new PermanentStoreException("invalid object key for the file store: " + key, null);
    }
    return root.resolve(key);
  }

  private static StoreException failure(String op, String key, IOException e) {
    if (e instanceof NoSuchFileException) {
      return new ObjectNotFoundException(key);
    }
    return new TransientStoreException(op + " failed: key=" + key + ": " + e, e);
  }

  /** Writes {@code content} to a synced temp file beside {@code target}. */
  private Path writeTemp(Path target, Content content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), TEMP_PREFIX, "");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
      switch (content) {
        case Content.Bytes b -> {
          ByteBuffer buf = ByteBuffer.wrap(b.bytes());
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
        case Content.File f -> {
          try (FileChannel in = FileChannel.open(f.path(), StandardOpenOption.READ)) {
            long size = in.size();
            for (long done = 0; done < size; ) {
              done += ch.transferFrom(in, done, size - done);
            }
          }
        }
      }
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public void put(String key, Content content) {
    Path target = pathOf(key);
    try {
      Path temp = writeTemp(target, content);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.deleteIfExists(temp);
        throw e;
      }
      syncDirectory(target.getParent());
    } catch (IOException e) {
      throw failure("put", key, e);
    }
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    Path target = pathOf(key);
    try {
      Path temp = writeTemp(target, content);
      try {
        Files.createLink(target, temp);
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(temp);
      }
      syncDirectory(target.getParent());
      return true;
    } catch (IOException e) {
      throw failure("putIfAbsent", key, e);
    }
  }

  @Override
  public byte[] get(String key) {
    try {
      return Files.readAllBytes(pathOf(key));
    } catch (IOException e) {
      throw failure("get", key, e);
    }
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    try (FileChannel ch = FileChannel.open(pathOf(key), StandardOpenOption.READ)) {
      long available = Math.max(0, ch.size() - offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, available));
      while (buf.hasRemaining()) {
        if (ch.read(buf, offset + buf.position()) < 0) {
          break;
        }
      }
      return buf.array();
    } catch (IOException e) {
      throw failure("getRange", key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    try {
      BasicFileAttributes a = Files.readAttributes(pathOf(key), BasicFileAttributes.class);
      return Optional.of(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("head", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String key = root.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        if (!key.startsWith(prefix) || p.getFileName().toString().startsWith(TEMP_PREFIX)) {
          continue;
        }
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
          if (a.isRegularFile()) {
            out.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
          }
        } catch (NoSuchFileException raced) {
          // deleted while listing: not part of the answer
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new TransientStoreException("list failed: prefix=" + prefix + ": " + e, e);
    }
    out.sort(Comparator.comparing(ObjectInfo::key));
    return out;
  }

  @Override
  public void delete(String key) {
    try {
      Files.deleteIfExists(pathOf(key));
    } catch (IOException e) {
      throw failure("delete", key, e);
    }
  }

  @Override
  public String toString() {
    return "file:" + root;
  }
}
