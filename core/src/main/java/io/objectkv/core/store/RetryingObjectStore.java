package io.objectkv.core.store;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries {@link TransientStoreException}s of idempotent requests with jittered backoff. A
 * conditional create is never retried blindly: if a retry finds the object present, the first
 * attempt may have created it, so the outcome is reported as unknown for the caller to resolve.
 */
public final class RetryingObjectStore extends ForwardingStore {
  private static final Logger log = LoggerFactory.getLogger(RetryingObjectStore.class);

  private final RetryPolicy policy;
  private final RandomGenerator random;
  private final RetryPolicy.Sleeper sleeper;

  public RetryingObjectStore(
      ObjectStore inner, RetryPolicy policy, RandomGenerator random, RetryPolicy.Sleeper sleeper) {
    super(inner);
    this.policy = policy;
    this.random = random;
    this.sleeper = sleeper;
  }

  @Override
  protected <T> T call(Op op, String key, Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return request.get();
      } catch (TransientStoreException e) {
        if (attempt >= policy.maxAttempts()) {
          throw new TransientStoreException(
              op + " failed after " + attempt + " attempts: key=" + key + ": " + e.getMessage(), e);
        }
        pause(op, key, attempt, e);
      }
    }
  }

  private void pause(Op op, String key, int attempt, Exception cause) {
    Duration delay = policy.delayBefore(attempt, random);
    log.debug(
        "retrying {} of {} in {} after attempt {}: {}", op, key, delay, attempt, cause.toString());
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new TransientStoreException(op + " interrupted while retrying: key=" + key, cause);
    }
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    TransientStoreException first;
    try {
      return inner().putIfAbsent(key, content);
    } catch (TransientStoreException e) {
      first = e;
    }
    // The first attempt may have been applied: a retry that finds the key cannot say by whom.
    for (int attempt = 1; ; attempt++) {
      pause(Op.PUT_IF_ABSENT, key, attempt, first);
      try {
        if (inner().putIfAbsent(key, content)) {
          return true;
        }
        throw new OutcomeUnknownException(
            "putIfAbsent of "
                + key
                + " found the object present after a failed attempt; it may be ours",
            first);
      } catch (TransientStoreException e) {
        if (attempt + 1 >= policy.maxAttempts()) {
          throw new OutcomeUnknownException(
              "putIfAbsent of " + key + " failed " + (attempt + 1) + " times: " + e.getMessage(),
              e);
        }
      }
    }
  }
}
