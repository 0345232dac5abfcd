package io.objectkv.core.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small metrics registry rendered in the Prometheus text format (version 0.0.4). Each process
 * owns one and passes it to what it builds; there is no global registry.
 */
public final class Metrics {
  private final Map<String, Family> families = new LinkedHashMap<>();

  private enum Type {
    counter,
    gauge,
    histogram
  }

  private record Family(String name, String help, Type type, Map<String, Object> series) {}

  /** Latency buckets in seconds, from half a millisecond to ten seconds. */
  private static final double[] BUCKETS = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  /** A monotonically increasing count. */
  public static final class Counter {
    private final LongAdder value = new LongAdder();

    public void inc() {
      value.increment();
    }

    public void add(long n) {
      value.add(n);
    }

    public long get() {
      return value.sum();
    }
  }

  /** A distribution of durations, in seconds. */
  public static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length + 1];
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    public void observeNanos(long nanos) {
      double seconds = nanos / 1e9;
      int i = 0;
      while (i < BUCKETS.length && seconds > BUCKETS[i]) {
        i++;
      }
      counts[i].increment();
      sum.add(seconds);
    }

    public long count() {
      long n = 0;
      for (LongAdder c : counts) {
        n += c.sum();
      }
      return n;
    }

    public double sumSeconds() {
      return sum.sum();
    }

    /** Observations per bucket so far (the last bucket: above the largest bound). */
    public long[] bucketCounts() {
      long[] out = new long[counts.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = counts[i].sum();
      }
      return out;
    }

    /**
     * The {@code q}-quantile in seconds of observations counted per bucket as {@link #bucketCounts}
     * does (e.g. the difference of two of them), interpolated within its bucket as Prometheus'
     * {@code histogram_quantile} does; NaN without observations.
     */
    public static double quantileSeconds(long[] bucketCounts, double q) {
      long total = 0;
      for (long c : bucketCounts) {
        total += c;
      }
      if (total == 0) {
        return Double.NaN;
      }
      double rank = q * total;
      long below = 0;
      for (int i = 0; i < bucketCounts.length; i++) {
        if (below + bucketCounts[i] >= rank && bucketCounts[i] > 0) {
          if (i == BUCKETS.length) {
            return BUCKETS[BUCKETS.length - 1]; // above every bound: the largest is all we know
          }
          double lower = i == 0 ? 0 : BUCKETS[i - 1];
          return lower + (BUCKETS[i] - lower) * (rank - below) / bucketCounts[i];
        }
        below += bucketCounts[i];
      }
      return BUCKETS[BUCKETS.length - 1];
    }

    /** Mean of the observations in milliseconds (NaN before any). */
    public double meanMillis() {
      long n = count();
      return n == 0 ? Double.NaN : sum.sum() * 1000 / n;
    }
  }

  private synchronized Object register(
      String name,
      String help,
      Type type,
      String[] labels,
      java.util.function.Supplier<Object> make) {
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs: " + name);
    }
    Family f =
        families.computeIfAbsent(name, n -> new Family(n, help, type, new LinkedHashMap<>()));
    if (f.type != type) {
      throw new IllegalArgumentException(name + " is already a " + f.type);
    }
    return f.series.computeIfAbsent(labelText(labels), k -> make.get());
  }

  public Counter counter(String name, String help, String... labels) {
    return (Counter) register(name, help, Type.counter, labels, Counter::new);
  }

  public Histogram histogram(String name, String help, String... labels) {
    return (Histogram) register(name, help, Type.histogram, labels, Histogram::new);
  }

  /** A value read when scraped. Registering the same series again replaces the supplier. */
  public synchronized void gauge(String name, String help, DoubleSupplier value, String... labels) {
    register(name, help, Type.gauge, labels, () -> value);
    families.get(name).series.put(labelText(labels), value);
  }

  private static String labelText(String[] labels) {
    if (labels.length == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      sb.append(i == 0 ? "" : ",").append(labels[i]).append("=\"");
      sb.append(labels[i + 1].replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"));
      sb.append('"');
    }
    return sb.toString();
  }

  private static String series(String name, String labels, String extra) {
    String all = labels.isEmpty() ? extra : extra.isEmpty() ? labels : labels + "," + extra;
    return all.isEmpty() ? name : name + "{" + all + "}";
  }

  private static String number(double v) {
    if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  /** The registry in the Prometheus text exposition format. */
  public synchronized String render() {
    StringBuilder sb = new StringBuilder();
    for (Family f : families.values()) {
      sb.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
      sb.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
      for (Map.Entry<String, Object> s : f.series.entrySet()) {
        String labels = s.getKey();
        switch (s.getValue()) {
          case Counter c ->
              sb.append(series(f.name, labels, "")).append(' ').append(c.get()).append('\n');
          case DoubleSupplier g ->
              sb.append(series(f.name, labels, ""))
                  .append(' ')
                  .append(number(g.getAsDouble()))
                  .append('\n');
          case Histogram h -> {
            long cumulative = 0;
            for (int i = 0; i < h.counts.length; i++) {
              cumulative += h.counts[i].sum();
              String le = i < BUCKETS.length ? number(BUCKETS[i]) : "+Inf";
              sb.append(series(f.name + "_bucket", labels, "le=\"" + le + "\""))
                  .append(' ')
                  .append(cumulative)
                  .append('\n');
            }
            sb.append(series(f.name + "_sum", labels, ""))
                .append(' ')
                .append(h.sum.sum())
                .append('\n');
            sb.append(series(f.name + "_count", labels, ""))
                .append(' ')
                .append(cumulative)
                .append('\n');
          }
          default -> throw new IllegalStateException("unknown series type " + s.getValue());
        }
      }
    }
    return sb.toString();
  }
}
