package io.objectkv.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The JVM flags that let a process start from what an earlier run of it loaded, written when that
 * run exits. On JDK 25 and later: the AOT cache (classes loaded and linked, method profiles); a
 * reader's start took 1.3 s of CPU with it against 1.6-2.0 s with the class-data archive (idle
 * machine, warm). The cache is tied to the class path, so its file name carries a fingerprint of
 * the class path and caches of other class paths are deleted. Before JDK 25: the dynamic class-data
 * archive, which the JVM itself rewrites when it is stale.
 */
public final class ClassArchive {
  private ClassArchive() {}

  /** Flags for process {@code name}, its archive kept in {@code dir}. */
  public static List<String> flags(Path dir, String name, List<Path> classPath) {
    if (Runtime.version().feature() < 25) {
      // -Xlog: the archive's writer lists every class it skips as a warning; only errors matter.
      return List.of(
          "-XX:+AutoCreateSharedArchive",
          "-XX:SharedArchiveFile=" + dir.resolve(name + ".jsa"),
          "-Xlog:cds*=error");
    }
    Path cache = dir.resolve(name + "-" + fingerprint(classPath) + ".aot");
    if (Files.exists(cache)) {
      return List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=error,cds*=error");
    }
    deleteOthers(dir, name);
    return List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot*=error,cds*=error");
  }

  /** Names, sizes and modification times of the class path: a rebuilt jar changes it. */
  static String fingerprint(List<Path> classPath) {
    CRC32 crc = new CRC32();
    for (Path p : classPath) {
      try {
        crc.update(
            (p.toAbsolutePath() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p))
                .getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + p, e);
      }
    }
    return Long.toHexString(crc.getValue());
  }

  private static void deleteOthers(Path dir, String name) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String n = f.getFileName().toString();
        if (n.startsWith(name + "-") && n.endsWith(".aot")) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir, e);
    }
  }
}
