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
    assertEquals(250_000, p.holdNanos(1, 0), "one record: a quarter of a millisecond");
    assertEquals(25 * MS, p.holdNanos(100, 0));
    assertEquals(250 * MS, p.holdNanos(1000, 0));
    assertEquals(250 * MS, p.holdNanos(5000, 0), "never more than the max delay");
  }

  @Test
  void theMinimumIntervalHoldsWhateverTheLoad() {
    GroupPolicy p =
        new GroupPolicy(10_000, 1L << 20, 1000, Duration.ofMillis(250), Duration.ofMillis(40));
    assertEquals(40 * MS, p.holdNanos(1, 0));
    assertEquals(250 * MS, p.holdNanos(1000, 0));
  }

  @Test
  void pastTheL0SlowdownPointGroupsAreHeldLongerAndPastTheStopPointNearlyStop() {
    GroupPolicy p = GroupPolicy.DEFAULT; // 250 ms max delay, slowdown past 32 objects, stop at 64
    assertEquals(25 * MS, p.holdNanos(1000, 32), "at the slowdown point: as without it");
    assertEquals(500 * MS, p.holdNanos(1, 40));
    assertEquals(1000 * MS, p.holdNanos(1, 48), "half way to the stop point: four max delays");
    assertEquals(2000 * MS, p.holdNanos(1, 64), "at the stop point: eight max delays");
    assertEquals(4000 * MS, p.holdNanos(1, 65), "past it: a near stop");
    assertEquals(4000 * MS, p.holdNanos(1, 5000));
    GroupPolicy later = p.withL0Slowdown(48, 64); // a steeper ramp to the same stop point
    assertEquals(25 * MS, later.holdNanos(1000, 48));
    assertEquals(125 * MS, later.holdNanos(1, 49), "one object past it: half a max delay");
    assertEquals(1000 * MS, later.holdNanos(1, 56));
    assertEquals(2000 * MS, later.holdNanos(1, 64));
    assertEquals(4000 * MS, later.holdNanos(1, 65));
    GroupPolicy off =
        new GroupPolicy(10_000, 1L << 20, 1000, Duration.ofMillis(250), Duration.ZERO, 0, 0);
    assertEquals(250_000, off.holdNanos(1, 5000), "0 turns it off");
  }

  @Test
  void theFirmHoldIsTheIntervalAndTheSlowdownWithoutTheProportionalPart() {
    GroupPolicy p = GroupPolicy.DEFAULT.withDelays(Duration.ofMillis(250), Duration.ofMillis(3));
    assertEquals(250 * MS, p.holdNanos(p.targetRecords(), 0));
    assertEquals(3 * MS, p.firmHoldNanos(0), "below the slowdown point: the minimum interval");
    assertEquals(1000 * MS, p.firmHoldNanos(48), "the slowdown stays whole");
  }

  @Test
  void noMaxDelayHoldsNothing() {
    GroupPolicy p = GroupPolicy.DEFAULT.withDelays(Duration.ZERO, Duration.ZERO);
    assertEquals(0, p.holdNanos(100_000, 1000));
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
    assertThrows(
        IllegalArgumentException.class,
        () -> GroupPolicy.DEFAULT.withL0Slowdown(64, 64),
        "the stop point must lie past the slowdown point");
  }
}
