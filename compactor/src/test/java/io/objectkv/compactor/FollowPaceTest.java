package io.objectkv.compactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FollowPaceTest {
  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }

  @Test
  void aPollThatTookDeltasPacesTheNextToTakeAFewAtTheSameRate() {
    // 200 deltas a second: one delta 5 ms after the poll before started.
    assertEquals(ms(5) * Compactor.DELTAS_PER_POLL, Compactor.nextPace(ms(5), 1));
    // The next poll then took about DELTAS_PER_POLL over that span: the pace holds.
    assertEquals(ms(20), Compactor.nextPace(ms(20), Compactor.DELTAS_PER_POLL));
    // Twice the rate, half the pace.
    assertEquals(ms(10), Compactor.nextPace(ms(20), 2 * Compactor.DELTAS_PER_POLL));
  }

  @Test
  void aTrickleIsPacedAtMostTheLongestPace() {
    assertEquals(Compactor.FOLLOW_PACE.toNanos(), Compactor.nextPace(ms(1_000), 1));
  }

  @Test
  void aPollWithoutDeltasIsNotPaced() {
    assertEquals(0, Compactor.nextPace(ms(1_000), 0));
  }
}
