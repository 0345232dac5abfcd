package io.objectkv.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline, checking often; tests never sleep a guessed time. */
public final class Poll {
  private Poll() {}

  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    until(timeout, () -> what, condition);
  }

  /** As above; {@code what} is asked when the wait fails, so it can name what was last seen. */
  public static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 5;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what.get());
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what.get(), e);
      }
      pause = Math.min(100, pause * 2);
    }
  }

  /** Polls until {@code attempt} returns a non-null value, treating exceptions as "not yet". */
  public static <T> T value(Duration timeout, String what, Supplier<T> attempt) {
    Object[] holder = new Object[1];
    RuntimeException[] last = new RuntimeException[1];
    try {
      until(
          timeout,
          what,
          () -> {
            try {
              holder[0] = attempt.get();
              return holder[0] != null;
            } catch (RuntimeException e) {
              last[0] = e;
              return false;
            }
          });
    } catch (AssertionError e) {
      if (last[0] != null) {
        e.addSuppressed(last[0]);
      }
      throw e;
    }
    @SuppressWarnings("unchecked")
    T value = (T) holder[0];
    return value;
  }
}
