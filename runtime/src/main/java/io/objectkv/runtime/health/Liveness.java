package io.objectkv.runtime.health;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The long-running workers of a process and whether each still makes progress. {@code GET /health}
 * answers 503 naming every worker that is dead (it gave up) or stuck (silent for longer than its
 * bound), so a supervisor or a load balancer takes the process out instead of trusting an HTTP port
 * that answers while the work has stopped.
 */
public final class Liveness {
  private final InstantSource clock;
  private final List<Worker> workers = new CopyOnWriteArrayList<>();

  public Liveness(InstantSource clock) {
    this.clock = clock;
  }

  /** One worker: it beats whenever it makes progress, and says so when it gives up. */
  public final class Worker {
    private final String name;
    private final Duration maxSilence;
    private volatile Instant lastBeat;
    private volatile String lastProblem = "";
    private volatile String deadBecause;

    private Worker(String name, Duration maxSilence) {
      this.name = name;
      this.maxSilence = maxSilence;
      this.lastBeat = clock.instant();
    }

    /** The worker made progress. */
    public void beat() {
      lastBeat = clock.instant();
      lastProblem = "";
    }

    /** A step failed and will be retried: reported while the worker stays silent too long. */
    public void trouble(String problem) {
      lastProblem = problem;
    }

    /** The worker gave up for good; the process is unhealthy until it restarts. */
    public void dead(String why) {
      deadBecause = why;
    }

    /** The worker runs (again): checked from now on. */
    public void resume() {
      lastBeat = clock.instant();
      if (!workers.contains(this)) {
        workers.add(this);
      }
    }

    /** The worker stopped on purpose (shutdown, or parked): no longer checked. */
    public void retire() {
      workers.remove(this);
    }

    /** What is wrong with it, or null. */
    String problem(Instant now) {
      String dead = deadBecause;
      if (dead != null) {
        return name + " stopped: " + dead;
      }
      Duration silent = Duration.between(lastBeat, now);
      if (silent.compareTo(maxSilence) > 0) {
        return name
            + " made no progress for "
            + silent.toSeconds()
            + " s"
            + (lastProblem.isEmpty() ? "" : " (last error: " + lastProblem + ")");
      }
      return null;
    }
  }

  /** Registers a worker that must beat at least every {@code maxSilence}. */
  public Worker worker(String name, Duration maxSilence) {
    Worker w = new Worker(name, maxSilence);
    workers.add(w);
    return w;
  }

  /** Every problem now; empty when healthy. */
  public List<String> problems() {
    Instant now = clock.instant();
    List<String> out = new ArrayList<>();
    for (Worker w : workers) {
      String p = w.problem(now);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }
}
