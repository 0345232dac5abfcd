package io.objectkv.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistogramQuantileTest {
  private final Metrics.Histogram h = new Metrics().histogram("t_seconds", "test");

  @Test
  void interpolatesWithinTheBucketOfTheRank() {
    for (int i = 0; i < 100; i++) {
      h.observeNanos(3_000_000); // 3 ms: the (2.5 ms, 5 ms] bucket
    }
    double p50 = Metrics.Histogram.quantileSeconds(h.bucketCounts(), 0.5);
    assertEquals(0.00375, p50, 1e-9, "halfway through (2.5, 5] ms");
    assertEquals(0.005, Metrics.Histogram.quantileSeconds(h.bucketCounts(), 1.0), 1e-9);
  }

  @Test
  void aQuantileOfAWindowIsTheQuantileOfTheDifference() {
    for (int i = 0; i < 1000; i++) {
      h.observeNanos(400_000); // 0.4 ms
    }
    long[] before = h.bucketCounts();
    for (int i = 0; i < 10; i++) {
      h.observeNanos(7_000_000_000L); // 7 s
    }
    long[] after = h.bucketCounts();
    long[] window = new long[after.length];
    for (int i = 0; i < window.length; i++) {
      window[i] = after[i] - before[i];
    }
    double p99 = Metrics.Histogram.quantileSeconds(window, 0.99);
    assertTrue(p99 > 5 && p99 <= 10, "only the slow ones are in the window: " + p99);
    assertTrue(Metrics.Histogram.quantileSeconds(after, 0.5) < 0.0005);
  }

  @Test
  void noObservationsHaveNoQuantile() {
    assertTrue(Double.isNaN(Metrics.Histogram.quantileSeconds(h.bucketCounts(), 0.5)));
  }

  @Test
  void aboveTheLargestBoundIsTheLargestBound() {
    h.observeNanos(60_000_000_000L);
    assertEquals(10, Metrics.Histogram.quantileSeconds(h.bucketCounts(), 0.5), 1e-9);
  }
}
