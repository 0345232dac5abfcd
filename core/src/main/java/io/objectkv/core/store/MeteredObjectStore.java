package io.objectkv.core.store;

import io.objectkv.core.metrics.Metrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Counts requests, failures, bytes and latency by request type. */
public final class MeteredObjectStore extends ForwardingStore {
  private final EnumMap<Op, Metrics.Counter> requests = new EnumMap<>(Op.class);
  private final EnumMap<Op, Metrics.Counter> failures = new EnumMap<>(Op.class);
  private final EnumMap<Op, Metrics.Histogram> latency = new EnumMap<>(Op.class);
  private final Metrics.Counter bytesRead;
  private final Metrics.Counter bytesWritten;

  public MeteredObjectStore(ObjectStore inner, Metrics metrics) {
    super(inner);
    for (Op op : Op.values()) {
      String type = op.name().toLowerCase(Locale.ROOT);
      requests.put(op, requestCounter(metrics, op));
      failures.put(
          op,
          metrics.counter(
              "objectkv_store_failures_total",
              "Object store requests that failed, by type.",
              "type",
              type));
      latency.put(
          op,
          metrics.histogram(
              "objectkv_store_request_seconds", "Object store request latency.", "type", type));
    }
    bytesRead =
        metrics.counter("objectkv_store_read_bytes_total", "Bytes read from the object store.");
    bytesWritten =
        metrics.counter("objectkv_store_written_bytes_total", "Bytes written to the object store.");
  }

  private static Metrics.Counter requestCounter(Metrics metrics, Op op) {
    return metrics.counter(
        "objectkv_store_requests_total",
        "Object store requests by type.",
        "type",
        op.name().toLowerCase(Locale.ROOT));
  }

  /** Requests of {@code op} sent so far (including failed ones). */
  public long requests(Op op) {
    return requests.get(op).get();
  }

  /** Requests of each type that the metered stores of {@code metrics} sent so far. */
  public static EnumMap<Op, Long> requests(Metrics metrics) {
    EnumMap<Op, Long> counts = new EnumMap<>(Op.class);
    for (Op op : Op.values()) {
      counts.put(op, requestCounter(metrics, op).get());
    }
    return counts;
  }

  /** Keys one S3 LIST request returns at most: a longer listing is several requests. */
  static final int LIST_PAGE = 1000;

  @Override
  public List<ObjectInfo> list(String prefix) {
    List<ObjectInfo> all = super.list(prefix);
    long morePages = Math.max(0, (all.size() - 1) / LIST_PAGE);
    requests.get(Op.LIST).add(morePages);
    return all;
  }

  @Override
  protected <T> T call(Op op, String key, Supplier<T> request) {
    long start = System.nanoTime();
    requests.get(op).inc();
    try {
      T result = request.get();
      switch (result) {
        case byte[] b -> bytesRead.add(b.length);
        case null, default -> {}
      }
      return result;
    } catch (ObjectNotFoundException e) {
      throw e;
    } catch (RuntimeException e) {
      failures.get(op).inc();
      throw e;
    } finally {
      latency.get(op).observeNanos(System.nanoTime() - start);
    }
  }

  @Override
  public void put(String key, Content content) {
    super.put(key, content);
    bytesWritten.add(content.length());
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    boolean created = super.putIfAbsent(key, content);
    if (created) {
      bytesWritten.add(content.length());
    }
    return created;
  }
}
