package io.objectkv.bench;

import java.util.Arrays;

/** Recorded latencies (nanoseconds) and their percentiles. Not thread-safe: one per client. */
final class Latencies {
  private long[] values = new long[1 << 14];
  private int count;

  void record(long nanos) {
    if (count == values.length) {
      values = Arrays.copyOf(values, count * 2);
    }
    values[count++] = nanos;
  }

  int count() {
    return count;
  }

  static Latencies merge(Iterable<Latencies> parts) {
    Latencies all = new Latencies();
    for (Latencies p : parts) {
      for (int i = 0; i < p.count; i++) {
        all.record(p.values[i]);
      }
    }
    Arrays.sort(all.values, 0, all.count);
    return all;
  }

  /** The q-quantile in milliseconds; call on a merged (sorted) instance. */
  double millis(double q) {
    if (count == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(count - 1, Math.max(0, Math.ceil(q * count) - 1));
    return values[i] / 1e6;
  }

  String summary() {
    return String.format(
        "p50 %.2f ms, p99 %.2f ms, p999 %.2f ms (n=%d)",
        millis(0.5), millis(0.99), millis(0.999), count);
  }
}
