package io.objectkv.core.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries {@link TransientStoreException}s of idempotent requests with jittered backoff. A
 * conditional create is never retried blindly: if a retry finds the object present, the first
 * attempt may have created it, so the outcome is reported as unknown for the caller to resolve.
 */
public final class RetryingObjectStore implements ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(RetryingObjectStore.class);

  private final ObjectStore inner;
  private final RetryPolicy policy;
  private final RandomGenerator random;
  private final RetryPolicy.Sleeper sleeper;

  public RetryingObjectStore(
      ObjectStore inner, RetryPolicy policy, RandomGenerator random, RetryPolicy.Sleeper sleeper) {
    this.inner = inner;
    this.policy = policy;
    this.random = random;
    this.sleeper = sleeper;
  }

  private <T> T retry(String op, String key, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (TransientStoreException e) {
        if (attempt >= policy.maxAttempts()) {
          throw new TransientStoreException(
              op + " failed after " + attempt + " attempts: key=" + key + ": " + e.getMessage(), e);
        }
        pause(op, key, attempt, e);
      }
    }
  }

  private void pause(String op, String key, int attempt, Exception cause) {
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
  public void put(String key, Content content) {
    retry(
        "put",
        key,
        () -> {
          inner.put(key, content);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    TransientStoreException first;
    try {
      return inner.putIfAbsent(key, content);
    } catch (TransientStoreException e) {
      first = e;
    }
    // The first attempt may have been applied: a retry that finds the key cannot say by whom.
    for (int attempt = 1; ; attempt++) {
      pause("putIfAbsent", key, attempt, first);
      try {
        if (inner.putIfAbsent(key, content)) {
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

  @Override
  public byte[] get(String key) {
    return retry("get", key, () -> inner.get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return retry("getRange", key, () -> inner.getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return retry("head", key, () -> inner.head(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return retry("list", prefix, () -> inner.list(prefix));
  }

  @Override
  public void delete(String key) {
    retry(
        "delete",
        key,
        () -> {
          inner.delete(key);
          return null;
        });
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
