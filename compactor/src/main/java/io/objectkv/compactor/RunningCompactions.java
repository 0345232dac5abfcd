package io.objectkv.compactor;

import io.objectkv.compactor.plan.CompactionJob;
import io.objectkv.core.manifest.ManifestEdit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compactions a session runs, each on a thread of its own, and the L0 objects they take. A tier
 * merge that has handed its result to the writer no longer counts against the side-by-side limit
 * (waiting for the decision takes no work), but its objects stay taken until it ends.
 */
final class RunningCompactions implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunningCompactions.class);

  private record Running(CompactionJob job, Future<?> future) {}

  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> Thread.ofPlatform().name("compaction").daemon().unstarted(r));
  private final List<Running> running = new ArrayList<>();
  private final Set<CompactionJob> submitted = ConcurrentHashMap.newKeySet();

  /** No compaction has started and not ended (the ended ones are forgotten at the next check). */
  boolean isEmpty() {
    return running.isEmpty();
  }

  boolean runningIntoL1() {
    return running.stream().anyMatch(r -> r.job().into() == ManifestEdit.Level.L1);
  }

  /** Tier merges still merging (not yet waiting for the writer's decision). */
  long tierMergesMerging() {
    return running.stream()
        .filter(r -> r.job().into() == ManifestEdit.Level.L0 && !submitted.contains(r.job()))
        .count();
  }

  /** Tier merges not ended, waiting for the writer's decision included. */
  long tierMergesRunning() {
    return running.stream().filter(r -> r.job().into() == ManifestEdit.Level.L0).count();
  }

  /** Called by a running compaction once its result is in the write log. */
  void submitted(CompactionJob job) {
    submitted.add(job);
  }

  /** The L0 objects running compactions take. */
  Set<String> busy() {
    Set<String> keys = new HashSet<>();
    running.forEach(r -> r.job().l0().forEach(s -> keys.add(s.key())));
    return keys;
  }

  void start(CompactionJob job, Runnable work) {
    running.add(new Running(job, threads.submit(work)));
  }

  /**
   * Forgets the compactions that ended; ends the session with the failure of one, as if it had run
   * on this thread.
   */
  void rethrowFailures() {
    for (Iterator<Running> it = running.iterator(); it.hasNext(); ) {
      Running ended = it.next();
      Future<?> f = ended.future();
      if (!f.isDone()) {
        continue;
      }
      it.remove();
      submitted.remove(ended.job());
      try {
        f.get();
      } catch (ExecutionException e) {
        switch (e.getCause()) {
          case Error error -> throw error;
          case RuntimeException r -> throw r;
          default -> throw new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (CancellationException ignored) {
        // closed
      }
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
    try {
      if (!threads.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("compactions still running after 30 s; leaving them");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
