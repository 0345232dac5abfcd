package io.objectkv.testkit;

import io.objectkv.core.store.ForwardingStore;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.TransientStoreException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Wraps a store and injects faults by rule: fail a request before it reaches the store, fail it
 * after it was applied (the caller sees an error although the effect happened: a lost answer),
 * delay it, or run a hook (a simulated crash point).
 */
public final class FaultInjectingObjectStore extends ForwardingStore {
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

  private final List<Rule> rules = new CopyOnWriteArrayList<>();
  private volatile Duration latency = Duration.ZERO;

  public FaultInjectingObjectStore(ObjectStore inner) {
    super(inner);
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

  @Override
  protected <T> T call(Op op, String key, Supplier<T> request) {
    apply(op, key, When.BEFORE);
    T result = request.get();
    apply(op, key, When.AFTER);
    return result;
  }
}
