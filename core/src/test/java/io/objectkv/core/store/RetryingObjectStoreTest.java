package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryingObjectStoreTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final List<Duration> sleeps = new ArrayList<>();

  /**
   * Fails the next {@code failures} calls with a transient error, after applying them if {@code
   * applyThenFail}.
   */
  private final class Flaky extends HookedStore {
    int failures;
    boolean applyThenFail;

    Flaky() {
      super(memory);
    }

    @Override
    protected void before(Op op) {
      if (failures > 0 && !applyThenFail) {
        failures--;
        throw new TransientStoreException("injected 503 on " + op, null);
      }
    }

    @Override
    protected void after(Op op) {
      if (failures > 0 && applyThenFail) {
        failures--;
        throw new TransientStoreException("injected timeout after " + op, null);
      }
    }
  }

  private RetryingObjectStore retrying(Flaky flaky, int attempts) {
    return new RetryingObjectStore(
        flaky,
        new RetryPolicy(attempts, Duration.ofMillis(10), Duration.ofMillis(100)),
        new Random(1),
        sleeps::add);
  }

  @Test
  void idempotentRequestsAreRetriedWithBoundedJitteredBackoff() {
    Flaky flaky = new Flaky();
    RetryingObjectStore store = retrying(flaky, 5);
    flaky.failures = 4;
    store.put("k", Content.of(new byte[] {1}));
    assertArrayEquals(new byte[] {1}, memory.get("k"));
    assertEquals(4, sleeps.size());
    for (int i = 0; i < sleeps.size(); i++) {
      long cap = Math.min(100, 10L << (i + 1));
      assertTrue(
          sleeps.get(i).toMillis() < cap,
          "sleep " + i + " = " + sleeps.get(i) + " under cap " + cap);
    }
  }

  @Test
  void givesUpAfterMaxAttempts() {
    Flaky flaky = new Flaky();
    RetryingObjectStore store = retrying(flaky, 3);
    flaky.failures = 3;
    TransientStoreException e = assertThrows(TransientStoreException.class, () -> store.get("k"));
    assertTrue(e.getMessage().contains("after 3 attempts"), e.getMessage());
  }

  @Test
  void notFoundIsNotRetried() {
    Flaky flaky = new Flaky();
    assertThrows(ObjectNotFoundException.class, () -> retrying(flaky, 5).get("missing"));
    assertEquals(0, sleeps.size());
  }

  @Test
  void aConditionalCreateThatMayHaveHappenedIsReportedUnknown() {
    Flaky flaky = new Flaky();
    RetryingObjectStore store = retrying(flaky, 5);
    flaky.failures = 1;
    flaky.applyThenFail = true; // the first attempt created the object, then the answer was lost
    assertThrows(
        OutcomeUnknownException.class,
        () -> store.putIfAbsent("manifest/7", Content.of(new byte[] {7})));
    assertArrayEquals(new byte[] {7}, memory.get("manifest/7"));
  }

  @Test
  void aConditionalCreateThatFailedBeforeApplyingIsRetried() {
    Flaky flaky = new Flaky();
    RetryingObjectStore store = retrying(flaky, 5);
    flaky.failures = 2;
    assertTrue(store.putIfAbsent("manifest/8", Content.of(new byte[] {8})));
  }
}
