package io.objectkv.testkit.chaos;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Injects one fault at a time, chosen from a seeded generator, and heals it: kill -9 of the active
 * writer, a standby writer, a reader, the gateway, the compactor or the Kafka broker (each started
 * again after a pause); S3 slow, failing, or losing the answers to PUTs it applied; a reader's
 * cache disk full. Every fault is recorded with when it began, when it was healed, and how long the
 * restarted process took to answer again.
 */
public final class Nemesis implements Runnable {
  /** The faults a run may inject. */
  public enum Fault {
    KILL_ACTIVE_WRITER,
    KILL_STANDBY_WRITER,
    KILL_READER,
    KILL_GATEWAY,
    KILL_COMPACTOR,
    KILL_KAFKA,
    S3_SLOW,
    S3_FAILING,
    S3_LOSING_PUTS,
    READER_DISK_FULL
  }

  /**
   * One injected fault.
   *
   * @param startNanos when it began (the kill, or the store starting to misbehave)
   * @param healedNanos when it was healed (the process started again, the store well again)
   * @param restartingNanos when the process was started again (0: no restart)
   * @param restartMillis how long the restarted process took to answer (-1: no restart)
   */
  public record Event(
      Fault fault,
      String target,
      long startNanos,
      long healedNanos,
      long restartingNanos,
      long restartMillis) {}

  private final ChaosCluster cluster;
  private final Random rnd;
  private final List<Fault> faults;
  private final Duration quiet;
  private final Duration down;
  private final Path diskFullCache;
  private final List<Event> events = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * @param quiet longest pause between faults (each pause is 1/2 to 1 of it)
   * @param down longest time a fault lasts (each lasts 1/3 to 1 of it)
   * @param diskFullCache a reader's cache directory on a small file system to fill (null: none)
   */
  public Nemesis(
      ChaosCluster cluster,
      long seed,
      Set<Fault> faults,
      Duration quiet,
      Duration down,
      Path diskFullCache) {
    this.cluster = cluster;
    this.rnd = new Random(seed);
    this.faults = faults.stream().sorted().toList();
    this.quiet = quiet;
    this.down = down;
    this.diskFullCache = diskFullCache;
  }

  public void stop() {
    running = false;
  }

  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  @Override
  public void run() {
    while (running && !faults.isEmpty()) {
      pause(quiet.toMillis() / 2 + rnd.nextLong(quiet.toMillis() / 2 + 1));
      if (!running) {
        return;
      }
      Fault f = nextFault();
      long downMillis = down.toMillis() / 3 + rnd.nextLong(down.toMillis() * 2 / 3 + 1);
      try {
        Event e = inject(f, downMillis);
        if (e != null) {
          synchronized (this) {
            events.add(e);
          }
          System.out.printf(
              "nemesis: %s %s, down %.1f s%s%n",
              f,
              e.target(),
              (e.healedNanos() - e.startNanos()) / 1e9,
              e.restartMillis() < 0
                  ? ""
                  : ", answering " + e.restartMillis() + " ms after its start");
        }
      } catch (RuntimeException | AssertionError ex) {
        System.out.println("nemesis: " + f + " failed: " + ex);
      }
    }
  }

  private final List<Fault> round = new ArrayList<>();

  /** Every fault once per round, in a seeded order: a short run still meets each kind. */
  private Fault nextFault() {
    if (round.isEmpty()) {
      round.addAll(faults);
      java.util.Collections.shuffle(round, rnd);
    }
    return round.removeFirst();
  }

  private Event inject(Fault f, long downMillis) {
    long start = System.nanoTime();
    return switch (f) {
      case KILL_ACTIVE_WRITER -> {
        String w = cluster.activeWriter();
        yield w == null ? null : restart(f, w, downMillis);
      }
      case KILL_STANDBY_WRITER -> {
        String active = cluster.activeWriter();
        String standby =
            cluster.parts().stream()
                .filter(p -> p.startsWith("writer") && !p.equals(active) && cluster.isRunning(p))
                .findFirst()
                .orElse(null);
        yield standby == null ? null : restart(f, standby, downMillis);
      }
      case KILL_READER -> {
        List<String> readers =
            cluster.parts().stream().filter(p -> p.startsWith("reader")).toList();
        yield restart(f, readers.get(rnd.nextInt(readers.size())), downMillis);
      }
      case KILL_GATEWAY -> restart(f, "gateway", downMillis);
      case KILL_COMPACTOR -> restart(f, "compactor", downMillis);
      case KILL_KAFKA -> {
        cluster.killKafka();
        pause(downMillis);
        long restarting = System.nanoTime();
        cluster.startKafkaAgain();
        long up = System.nanoTime();
        yield new Event(f, "kafka", start, up, restarting, (up - restarting) / 1_000_000);
      }
      case S3_SLOW -> s3(f, S3FaultProxy.Faults.SLOW, downMillis, start);
      case S3_FAILING -> s3(f, S3FaultProxy.Faults.FAILING, downMillis, start);
      case S3_LOSING_PUTS -> s3(f, S3FaultProxy.Faults.LOSING_PUTS, downMillis, start);
      case READER_DISK_FULL -> {
        if (diskFullCache == null) {
          yield null;
        }
        Path ballast = diskFullCache.resolve("ballast");
        fill(ballast);
        pause(downMillis);
        try {
          Files.deleteIfExists(ballast);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
        yield new Event(f, "reader-1 cache", start, System.nanoTime(), 0, -1);
      }
    };
  }

  private Event restart(Fault f, String part, long downMillis) {
    long start = System.nanoTime();
    cluster.kill(part);
    pause(downMillis);
    long restarting = System.nanoTime();
    cluster.start(part);
    long up = System.nanoTime();
    return new Event(f, part, start, up, restarting, (up - restarting) / 1_000_000);
  }

  private Event s3(Fault f, S3FaultProxy.Faults faults, long downMillis, long start) {
    cluster.s3().set(faults);
    pause(downMillis);
    cluster.s3().set(S3FaultProxy.Faults.NONE);
    return new Event(f, "s3", start, System.nanoTime(), 0, -1);
  }

  /** Writes until the file system says it is full. */
  private static void fill(Path ballast) {
    byte[] chunk = new byte[64 << 10];
    try (OutputStream out = Files.newOutputStream(ballast)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // full: as intended
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
