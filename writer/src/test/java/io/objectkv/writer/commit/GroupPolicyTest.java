package io.objectkv.writer.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GroupPolicyTest {
  private static final long MS = 1_000_000;

  @Test
  void theHoldGrowsWithThePreviousGroupUpToTheMaxDelay() {
    GroupPolicy p = new GroupPolicy(10_000, 1L << 20, 1000, Duration.ofMillis(250), Duration.ZERO);
    assertEquals(250_000, p.holdNanos(1), "one record: a quarter of a millisecond");
    assertEquals(25 * MS, p.holdNanos(100));
    assertEquals(250 * MS, p.holdNanos(1000));
    assertEquals(250 * MS, p.holdNanos(5000), "never more than the max delay");
  }

  @Test
  void theMinimumIntervalHoldsWhateverTheLoad() {
    GroupPolicy p =
        new GroupPolicy(10_000, 1L << 20, 1000, Duration.ofMillis(250), Duration.ofMillis(40));
    assertEquals(40 * MS, p.holdNanos(1));
    assertEquals(250 * MS, p.holdNanos(1000));
  }

  @Test
  void noMaxDelayHoldsNothing() {
    GroupPolicy p = GroupPolicy.DEFAULT.withDelays(Duration.ZERO, Duration.ZERO);
    assertEquals(0, p.holdNanos(100_000));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new GroupPolicy(0, 1, 1, Duration.ZERO, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GroupPolicy(1, 1, 0, Duration.ZERO, Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> new GroupPolicy(1, 1, 1, Duration.ofMillis(-1), Duration.ZERO));
  }
}
