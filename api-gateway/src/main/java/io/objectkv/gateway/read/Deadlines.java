package io.objectkv.gateway.read;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Ends the waits of requests at their deadlines from one watchdog thread. A timed wait on a virtual
 * thread (a socket timeout, {@code Future.get} with a timeout) sets and cancels a timer through the
 * carrier pool's delay scheduler, a wake-up of that thread per request; the watchdog instead looks
 * every {@link #TICK} while any deadline is pending and sleeps when none is, so deadlines are met
 * to within a tick.
 */
public final class Deadlines implements AutoCloseable {
  /** How often the watchdog looks while deadlines are pending. */
  private static final Duration TICK = Duration.ofMillis(50);

  /** Looks with nothing pending after which the watchdog sleeps until a deadline is set. */
  private static final int IDLE_TICKS = 20;

  private final Set<Deadline> pending = ConcurrentHashMap.newKeySet();
  private final Thread watchdog;
  private volatile boolean watchdogAsleep;
  private volatile boolean closed;

  public Deadlines(String threadName) {
    this.watchdog = Thread.ofPlatform().name(threadName).daemon().start(this::watch);
  }

  /**
   * A deadline set: its action runs at {@code atNanos} (System.nanoTime) unless cancelled first.
   */
  public static final class Deadline {
    private final Deadlines owner;
    private final long atNanos;
    private final Runnable onExpiry;

    private Deadline(Deadlines owner, long atNanos, Runnable onExpiry) {
      this.owner = owner;
      this.atNanos = atNanos;
      this.onExpiry = onExpiry;
    }

    /** True if cancelled in time; false if the action has run or is running. */
    public boolean cancel() {
      return owner.pending.remove(this);
    }
  }

  /** Runs {@code onExpiry} on the watchdog thread once {@code atNanos} has passed. */
  public Deadline at(long atNanos, Runnable onExpiry) {
    Deadline d = new Deadline(this, atNanos, onExpiry);
    pending.add(d);
    if (watchdogAsleep) {
      LockSupport.unpark(watchdog);
    }
    return d;
  }

  private void watch() {
    int idleTicks = 0;
    while (!closed) {
      if (!pending.isEmpty()) {
        idleTicks = 0;
      } else if (++idleTicks >= IDLE_TICKS) {
        sleepUntilPending();
        idleTicks = 0;
        continue;
      }
      LockSupport.parkNanos(this, TICK.toNanos());
      long now = System.nanoTime();
      for (Deadline d : pending) {
        if (now - d.atNanos >= 0 && pending.remove(d)) {
          try {
            d.onExpiry.run();
          } catch (RuntimeException e) {
            // the other deadlines must still be met
          }
        }
      }
    }
  }

  /**
   * Parks until a deadline is set or the watchdog closes. {@link #at} adds before it reads the
   * flag, and this sets the flag before it looks: one of the two sees the other, so no deadline is
   * missed while asleep.
   */
  private void sleepUntilPending() {
    watchdogAsleep = true;
    while (pending.isEmpty() && !closed) {
      LockSupport.park(this);
    }
    watchdogAsleep = false;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(watchdog);
  }
}
