package io.objectkv.gateway.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.objectkv.core.metrics.Metrics;
import java.util.ArrayDeque;
import java.util.List;

/**
 * This gateway's writes and reads over the last minutes: a point per sample with the rate and the
 * latency percentiles of the requests answered since the previous sample.
 */
public final class Traffic {
  /** Points kept: ten minutes at one sample every five seconds. */
  static final int POINTS = 120;

  /**
   * One interval. Latencies are null when no request of that kind was answered in it.
   *
   * @param at the end of the interval, epoch milliseconds
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Point(
      long at,
      double seconds,
      double writesPerSecond,
      Double writeP50Ms,
      Double writeP99Ms,
      double readsPerSecond,
      Double readP50Ms,
      Double readP99Ms) {}

  private final Metrics.Histogram writes;
  private final Metrics.Histogram reads;
  private final ArrayDeque<Point> points = new ArrayDeque<>();
  private long[] lastWrites;
  private long[] lastReads;
  private long lastAt;

  public Traffic(Metrics.Histogram writes, Metrics.Histogram reads, long nowMillis) {
    this.writes = writes;
    this.reads = reads;
    this.lastWrites = writes.bucketCounts();
    this.lastReads = reads.bucketCounts();
    this.lastAt = nowMillis;
  }

  public synchronized void sample(long nowMillis) {
    double seconds = (nowMillis - lastAt) / 1000.0;
    if (seconds <= 0) {
      return;
    }
    long[] w = writes.bucketCounts();
    long[] r = reads.bucketCounts();
    long[] dw = minus(w, lastWrites);
    long[] dr = minus(r, lastReads);
    points.addLast(
        new Point(
            nowMillis,
            seconds,
            sum(dw) / seconds,
            millis(dw, 0.5),
            millis(dw, 0.99),
            sum(dr) / seconds,
            millis(dr, 0.5),
            millis(dr, 0.99)));
    while (points.size() > POINTS) {
      points.removeFirst();
    }
    lastWrites = w;
    lastReads = r;
    lastAt = nowMillis;
  }

  public synchronized List<Point> points() {
    return List.copyOf(points);
  }

  private static long[] minus(long[] a, long[] b) {
    long[] d = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  private static long sum(long[] counts) {
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }

  private static Double millis(long[] counts, double q) {
    double s = Metrics.Histogram.quantileSeconds(counts, q);
    return Double.isNaN(s) ? null : Math.round(s * 1e6) / 1e3;
  }
}
