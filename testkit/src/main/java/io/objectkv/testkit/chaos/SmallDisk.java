package io.objectkv.testkit.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A small tmpfs to fill up ("the disk is full"), where this machine lets us mount one. */
final class SmallDisk {
  private SmallDisk() {}

  /** Mounts a tmpfs of {@code bytes} at {@code dir}; null when mounting is not allowed here. */
  static Path mount(Path dir, long bytes) {
    try {
      Files.createDirectories(dir);
      Process p =
          new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", dir.toString())
              .redirectErrorStream(true)
              .start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? dir : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static void unmount(Path dir) {
    try {
      new ProcessBuilder("umount", dir.toString())
          .redirectErrorStream(true)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // left mounted: harmless until reboot
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
