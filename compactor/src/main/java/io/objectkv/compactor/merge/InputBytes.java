package io.objectkv.compactor.merge;

import io.objectkv.core.store.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of one compaction input: from the copy this compactor kept while there is one (see
 * {@link KeptOutputs}), else from the store. Counts every byte read, wherever from.
 */
final class InputBytes {
  private final ObjectStore store;
  private final String key;
  private final KeptOutputs kept;
  private final AtomicLong bytesRead;
  private volatile Path local;

  InputBytes(ObjectStore store, String key, KeptOutputs kept, AtomicLong bytesRead) {
    this.store = store;
    this.key = key;
    this.kept = kept;
    this.bytesRead = bytesRead;
    this.local = kept.file(key).orElse(null);
  }

  String key() {
    return key;
  }

  byte[] whole() {
    return counted(fromLocal(0, Integer.MAX_VALUE), () -> store.get(key));
  }

  /** {@code length} bytes from {@code offset}; fewer only if the object ends first. */
  byte[] range(long offset, int length) {
    return counted(fromLocal(offset, length), () -> store.getRange(key, offset, length));
  }

  private byte[] counted(byte[] local, java.util.function.Supplier<byte[]> remote) {
    byte[] b;
    if (local != null) {
      b = local;
      kept.served(b.length);
    } else {
      b = remote.get();
    }
    bytesRead.addAndGet(b.length);
    return b;
  }

  /** The bytes from the local copy, or null when there is none (any more). */
  private byte[] fromLocal(long offset, int length) {
    Path file = local;
    if (file == null) {
      return null;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long available = Math.max(0, ch.size() - offset);
      ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, available));
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) >= 0) {}
      return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
    } catch (NoSuchFileException e) {
      local = null; // let go to make room: the store has it
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the kept copy of " + key + " at " + file, e);
    }
  }
}
