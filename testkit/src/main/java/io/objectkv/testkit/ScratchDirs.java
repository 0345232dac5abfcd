package io.objectkv.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Deletes what test clusters and benchmarks leave on disk once they are done with it: a 4 GiB
 * benchmark leaves gigabytes of broker and object-store data, and runs left behind filled this
 * machine's disk.
 */
public final class ScratchDirs {
  private ScratchDirs() {}

  /** Deletes {@code dir} and everything under it; a missing one is fine. */
  public static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      // nothing there
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
