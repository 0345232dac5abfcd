package io.objectkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** CPU time of a process tree, from Linux's /proc (user + system, children that still run). */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Clock ticks per second of /proc/PID/stat: 100 on every Linux this runs on. */
  private static final double TICKS = 100.0;

  /** CPU seconds used so far by {@code root} and each of its live descendants. */
  static double seconds(ProcessHandle root) {
    return Stream.concat(Stream.of(root), root.descendants())
        .mapToDouble(p -> seconds(p.pid()))
        .sum();
  }

  static double seconds(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name may hold spaces: fields are counted after its closing parenthesis
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0; // the process is gone
    }
  }
}
