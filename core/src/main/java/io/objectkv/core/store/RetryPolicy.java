package io.objectkv.core.store;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Bounded retries with "full jitter" exponential backoff: attempt {@code n} waits a uniformly
 * random time in {@code [0, min(maxDelay, baseDelay * 2^n))}, so retrying clients spread out.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(6, Duration.ofMillis(25), Duration.ofSeconds(2));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1");
    }
  }

  Duration delayBefore(int retry, RandomGenerator random) {
    long cap = Math.min(maxDelay.toNanos(), baseDelay.toNanos() << Math.min(retry, 30));
    return Duration.ofNanos(cap <= 0 ? 0 : random.nextLong(cap));
  }

  /** How a retrying store waits; tests pass one that records instead of sleeping. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> Thread.sleep(d);
  }
}
