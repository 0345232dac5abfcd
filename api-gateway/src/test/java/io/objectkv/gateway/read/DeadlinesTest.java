package io.objectkv.gateway.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private final Deadlines deadlines = new Deadlines("test-deadlines");

  @AfterEach
  void stop() {
    deadlines.close();
  }

  @Test
  void aDeadlineRunsItsActionOnceItHasPassedAndCannotBeCancelledAfter() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    long start = System.nanoTime();
    Deadlines.Deadline d = deadlines.at(start + TimeUnit.MILLISECONDS.toNanos(30), ran::countDown);
    assertTrue(ran.await(2, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(30));
    assertFalse(d.cancel());
  }

  @Test
  void aCancelledDeadlineNeverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Deadlines.Deadline d =
        deadlines.at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20), runs::incrementAndGet);
    assertTrue(d.cancel());
    CountDownLatch later = new CountDownLatch(1);
    deadlines.at(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100), later::countDown);
    assertTrue(later.await(2, TimeUnit.SECONDS));
    assertEquals(0, runs.get());
  }

  @Test
  void aWatchdogAsleepWakesForANewDeadlineAndSurvivesAFailingAction() throws Exception {
    deadlines.at(
        System.nanoTime(),
        () -> {
          throw new IllegalStateException("boom");
        });
    Thread.sleep(1200); // past the idle ticks (1 s): the watchdog sleeps until a deadline is set
    // Asleep without a timer: an idle gateway's watchdog does not wake at all.
    assertEquals(Thread.State.WAITING, watchdogState());
    CountDownLatch ran = new CountDownLatch(1);
    long start = System.nanoTime();
    deadlines.at(start + TimeUnit.MILLISECONDS.toNanos(10), ran::countDown);
    assertTrue(ran.await(2, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500));
  }

  private static Thread.State watchdogState() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("test-deadlines"))
        .findFirst()
        .orElseThrow()
        .getState();
  }
}
