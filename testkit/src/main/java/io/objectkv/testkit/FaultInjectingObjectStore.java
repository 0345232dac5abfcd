package io.objectkv.testkit;

import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.TransientStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a store and injects faults by rule: fail a request before it reaches the store, fail it
 * after it was applied (the caller sees an error although the effect happened: a lost answer),
 * delay it, or run a hook (a simulated crash point).
 */
public final class FaultInjectingObjectStore implements ObjectStore {
  /** Which requests a rule applies to. */
  public enum Op {
    PUT,
    PUT_IF_ABSENT,
    GET,
    GET_RANGE,
    HEAD,
    LIST,
    DELETE
  }

  /** When a rule acts. */
  public enum When {
    BEFORE,
    AFTER
  }

  private record Rule(
      Op op,
      String keyPrefix,
      When when,
      AtomicInteger remaining,
      Supplier<RuntimeException> failure) {}

  private final ObjectStore inner;
  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private volatile Duration latency = Duration.ZERO;

  public FaultInjectingObjectStore(ObjectStore inner) {
    this.inner = inner;
  }

  /** The next {@code times} matching requests fail with a transient error before being sent. */
  public FaultInjectingObjectStore failBefore(Op op, String keyPrefix, int times) {
    return inject(
        op,
        keyPrefix,
        When.BEFORE,
        times,
        () -> new TransientStoreException("injected failure before " + op, null));
  }

  /**
   * The next {@code times} matching requests are applied, then reported as failed (a lost answer).
   */
  public FaultInjectingObjectStore failAfter(Op op, String keyPrefix, int times) {
    return inject(
        op,
        keyPrefix,
        When.AFTER,
        times,
        () -> new TransientStoreException("injected lost answer after " + op, null));
  }

  /** The next {@code times} matching requests throw {@code failure} (e.g. a simulated crash). */
  public FaultInjectingObjectStore inject(
      Op op, String keyPrefix, When when, int times, Supplier<RuntimeException> failure) {
    rules.add(new Rule(op, keyPrefix, when, new AtomicInteger(times), failure));
    return this;
  }

  public void clearFaults() {
    rules.clear();
  }

  /** Added to every request (a slow store). */
  public void latency(Duration d) {
    latency = d;
  }

  private void apply(Op op, String key, When when) {
    if (when == When.BEFORE && !latency.isZero()) {
      try {
        Thread.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransientStoreException("interrupted", e);
      }
    }
    for (Rule r : rules) {
      if (r.op == op
          && r.when == when
          && key.startsWith(r.keyPrefix)
          && r.remaining.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw r.failure.get();
      }
    }
  }

  private <T> T around(Op op, String key, Supplier<T> call) {
    apply(op, key, When.BEFORE);
    T result = call.get();
    apply(op, key, When.AFTER);
    return result;
  }

  @Override
  public void put(String key, Content content) {
    around(
        Op.PUT,
        key,
        () -> {
          inner.put(key, content);
          return null;
        });
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    return around(Op.PUT_IF_ABSENT, key, () -> inner.putIfAbsent(key, content));
  }

  @Override
  public byte[] get(String key) {
    return around(Op.GET, key, () -> inner.get(key));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    return around(Op.GET_RANGE, key, () -> inner.getRange(key, offset, length));
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return around(Op.HEAD, key, () -> inner.head(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return around(Op.LIST, prefix, () -> inner.list(prefix));
  }

  @Override
  public void delete(String key) {
    around(
        Op.DELETE,
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
}
