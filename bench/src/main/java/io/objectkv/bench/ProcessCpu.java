package io.objectkv.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** CPU time of a process tree, from Linux's /proc (user + system, children that still run). */
final class ProcessCpu {
  private ProcessCpu() {}

  /** Clock ticks per second of /proc/PID/stat: 100 on every Linux this runs on. */
  private static final double TICKS = 100.0;

  /** CPU seconds used so far by {@code root} and each of its live descendants. */
  static double seconds(ProcessHandle root) {
    return total(secondsByProcess(root));
  }

  /** The sum of a reading of {@link #secondsByProcess}. */
  static double total(Map<String, Double> secondsByProcess) {
    return secondsByProcess.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * The same by process, in order of process id: an ObjectKV jar by its module ({@code writer},
   * {@code reader}, ...), the embedded broker as {@code kafka}, anything else by its executable; a
   * second process of a name is "name 2".
   */
  static Map<String, Double> secondsByProcess(ProcessHandle root) {
    return byProcess(root, ProcessCpu::seconds);
  }

  private static Map<String, Double> byProcess(ProcessHandle root, LongToDoubleFunction reading) {
    Map<String, Double> byName = new LinkedHashMap<>();
    Stream.concat(Stream.of(root), root.descendants())
        .sorted(Comparator.comparingLong(ProcessHandle::pid))
        .forEach(
            p -> {
              String name = name(p);
              String unique = name;
              for (int n = 2; byName.containsKey(unique); n++) {
                unique = name + " " + n;
              }
              byName.put(unique, reading.applyAsDouble(p.pid()));
            });
    return byName;
  }

  private static final Pattern MODULE_JAR = Pattern.compile("objectkv-([a-z-]+)\\.jar");

  private static String name(ProcessHandle p) {
    String command = p.info().commandLine().orElse("");
    Matcher module = MODULE_JAR.matcher(command);
    if (module.find()) {
      return module.group(1);
    }
    if (command.contains("EmbeddedKafka")) {
      return "kafka";
    }
    return p.info()
        .command()
        .map(c -> Path.of(c).getFileName().toString())
        .orElse("pid " + p.pid());
  }

  static double seconds(long pid) {
    return seconds(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * CPU seconds used so far by the JIT compiler threads of {@code root} and each of its live
   * descendants (HotSpot names them "C1 CompilerThreadN" and "C2 CompilerThreadN"), by process as
   * in {@link #secondsByProcess}; 0 for a process that is not a JVM.
   */
  static Map<String, Double> compilerSecondsByProcess(ProcessHandle root) {
    return byProcess(root, ProcessCpu::compilerSeconds);
  }

  private static double compilerSeconds(long pid) {
    try (Stream<Path> threads = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return threads
          .filter(t -> isCompiler(t.resolve("comm")))
          .mapToDouble(t -> seconds(t.resolve("stat")))
          .sum();
    } catch (IOException | RuntimeException e) {
      return 0; // the process is gone
    }
  }

  private static boolean isCompiler(Path comm) {
    try {
      return Files.readString(comm).matches("C[12] CompilerThre.*\\s*");
    } catch (IOException e) {
      return false; // the thread is gone
    }
  }

  private static double seconds(Path stat) {
    try {
      String text = Files.readString(stat);
      // the command name may hold spaces: fields are counted after its closing parenthesis
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    } catch (IOException | RuntimeException e) {
      return 0; // the process or thread is gone
    }
  }
}
