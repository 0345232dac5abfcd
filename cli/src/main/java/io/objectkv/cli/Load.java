package io.objectkv.cli;

import io.objectkv.client.Batch;
import io.objectkv.client.ObjectKvClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code objectkv load FILE}: JSON lines, each an op as in a batch ({@code {"key": K, "value": V}},
 * {@code keyBase64}/{@code valueBase64}, {@code ttlMs}; a put unless it names another {@code op}),
 * written in atomic batches of consecutive lines, a few in flight. Progress goes to standard error;
 * the summary (lines, batches, the rate, the last version) to standard output.
 */
final class Load {
  private Load() {}

  /** Ops and bytes of one batch: within the API's bounds (1,000 ops, 4 MiB of JSON). */
  static final int BATCH_OPS = 500;

  static final long BATCH_BYTES = 2L << 20;
  static final int IN_FLIGHT = 4;

  /** A run of consecutive lines sent as one batch. */
  record Chunk(long firstLine, long lastLine, Batch batch) {}

  static int run(ObjectKvClient kv, String file, boolean json, PrintStream out, PrintStream err)
      throws IOException {
    Long total = file.equals("-") ? null : countLines(Path.of(file));
    long start = System.nanoTime();
    AtomicLong done = new AtomicLong();
    AtomicLong lastVersion = new AtomicLong(-1);
    Progress progress = new Progress(err, total, start);
    int batches = 0;
    try (BufferedReader in =
            file.equals("-")
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(file));
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT)) {
      List<Future<?>> inFlight = new ArrayList<>();
      long lineNo = 0;
      Batch batch = Batch.create();
      long first = 1;
      long bytes = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          batch.addJson(line);
        } catch (IllegalArgumentException e) {
          throw new Main.UsageException(file + ":" + lineNo + ": " + e.getMessage());
        }
        bytes += line.length();
        if (batch.size() >= BATCH_OPS || bytes >= BATCH_BYTES) {
          send(pool, inFlight, kv, new Chunk(first, lineNo, batch), done, lastVersion, progress);
          batches++;
          batch = Batch.create();
          first = lineNo + 1;
          bytes = 0;
        }
      }
      if (batch.size() > 0) {
        send(pool, inFlight, kv, new Chunk(first, lineNo, batch), done, lastVersion, progress);
        batches++;
      }
      for (Future<?> f : inFlight) {
        await(f);
      }
    }
    progress.finish();
    double seconds = (System.nanoTime() - start) / 1e9;
    long n = done.get();
    if (json) {
      out.printf(
          "{\"ops\": %d, \"batches\": %d, \"seconds\": %.3f, \"opsPerSecond\": %.1f, \"version\": %d}%n",
          n, batches, seconds, n / Math.max(seconds, 1e-9), lastVersion.get());
    } else {
      out.printf(
          "loaded %,d ops in %,d batches in %.1f s (%,.0f ops/s); last version %d%n",
          n, batches, seconds, n / Math.max(seconds, 1e-9), lastVersion.get());
    }
    return Main.OK;
  }

  /**
   * Sends a chunk once fewer than {@link #IN_FLIGHT} are in flight; the first failure stops all.
   */
  private static void send(
      ExecutorService pool,
      List<Future<?>> inFlight,
      ObjectKvClient kv,
      Chunk chunk,
      AtomicLong done,
      AtomicLong lastVersion,
      Progress progress) {
    while (inFlight.size() >= IN_FLIGHT) {
      await(inFlight.removeFirst());
    }
    inFlight.add(
        pool.submit(
            () -> {
              try {
                long v = kv.write(chunk.batch());
                lastVersion.accumulateAndGet(v, Math::max);
                progress.update(done.addAndGet(chunk.batch().size()));
              } catch (RuntimeException e) {
                throw new LoadFailed(chunk, e);
              }
            }));
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof LoadFailed failed) {
        throw failed;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * A batch that failed, and the lines it held: the batches before it are written, the few sent
   * after it may be.
   */
  static final class LoadFailed extends RuntimeException {
    LoadFailed(Chunk chunk, RuntimeException cause) {
      super(
          "lines "
              + chunk.firstLine()
              + "-"
              + chunk.lastLine()
              + " not loaded: "
              + cause.getMessage(),
          cause);
    }
  }

  private static long countLines(Path file) throws IOException {
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).count();
    }
  }

  /** A progress line on standard error, redrawn at most twice a second. */
  static final class Progress {
    private final PrintStream err;
    private final Long total;
    private final long start;
    private long shownAt;

    Progress(PrintStream err, Long total, long start) {
      this.err = err;
      this.total = total;
      this.start = start;
    }

    synchronized void update(long done) {
      long now = System.nanoTime();
      if (now - shownAt < 500_000_000L && (total == null || done < total)) {
        return;
      }
      shownAt = now;
      err.print("\r" + line(done, total, (now - start) / 1e9));
      err.flush();
    }

    synchronized void finish() {
      if (shownAt != 0) {
        err.println();
      }
    }

    static String line(long done, Long total, double seconds) {
      double rate = done / Math.max(seconds, 1e-9);
      if (total == null || total == 0) {
        return String.format("loading: %,d ops, %,.0f ops/s", done, rate);
      }
      int width = 30;
      int filled = (int) Math.min(width, width * done / total);
      return String.format(
          "loading [%s%s] %,d/%,d ops (%d%%), %,.0f ops/s",
          "#".repeat(filled), " ".repeat(width - filled), done, total, 100 * done / total, rate);
    }
  }
}
