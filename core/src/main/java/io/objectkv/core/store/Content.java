package io.objectkv.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The body of a PUT: bytes in memory, or a file (large objects that must not fill the heap). */
public sealed interface Content {
  long length();

  record Bytes(byte[] bytes) implements Content {
    @Override
    public long length() {
      return bytes.length;
    }
  }

  record File(Path path) implements Content {
    @Override
    public long length() {
      try {
        return Files.size(path);
      } catch (IOException e) {
        throw new UncheckedIOException("size of " + path, e);
      }
    }
  }

  static Content of(byte[] bytes) {
    return new Bytes(bytes);
  }

  static Content of(Path path) {
    return new File(path);
  }
}
