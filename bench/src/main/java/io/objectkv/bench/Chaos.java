package io.objectkv.bench;

import io.objectkv.testkit.chaos.ChaosRun;
import io.objectkv.testkit.chaos.ChaosSettings;
import io.objectkv.testkit.chaos.Nemesis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code bench/run Chaos [--minutes N] [--seed S] [--clients C] [--keys K] [--faults a,b,...]}: the
 * whole cluster as separate processes under faults (every nemesis by default), clients recording a
 * history, and the checkers' verdict. Exits 1 if the history shows an anomaly, a lost acknowledged
 * write, or replicas that disagree.
 */
public final class Chaos {
  private Chaos() {}

  public static void main(String[] args) throws Exception {
    double minutes = 10;
    long seed = System.nanoTime() % 100_000;
    int clients = 12;
    int keys = 8;
    Set<Nemesis.Fault> faults = EnumSet.allOf(Nemesis.Fault.class);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> minutes = Double.parseDouble(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--keys" -> keys = Integer.parseInt(args[++i]);
        case "--faults" ->
            faults =
                Arrays.stream(args[++i].split(","))
                    .map(String::trim)
                    .map(s -> Nemesis.Fault.valueOf(s.toUpperCase(java.util.Locale.ROOT)))
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(Nemesis.Fault.class)));
        default -> {
          System.err.println(
              "usage: bench/run Chaos [--minutes N] [--seed S] [--clients C] [--keys K] [--faults "
                  + Arrays.toString(Nemesis.Fault.values())
                  + "]");
          System.exit(2);
        }
      }
    }
    Path dir = Files.createTempDirectory(Path.of("bench/target").toAbsolutePath(), "chaos-");
    System.out.println("chaos: logs and data in " + dir);
    ChaosRun.Report report =
        ChaosRun.run(
            new ChaosRun.Options(
                dir,
                seed,
                Duration.ofMillis((long) (minutes * 60_000)),
                clients,
                keys,
                faults,
                Duration.ofSeconds(12),
                Duration.ofSeconds(8),
                ChaosSettings.PROCESSES));
    System.out.println();
    System.out.println(report.text());
    System.exit(report.passed() ? 0 : 1);
  }
}
