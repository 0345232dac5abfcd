package io.objectkv.core.store;

import io.objectkv.core.metrics.Metrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Counts requests, failures, bytes and latency by request type. */
public final class MeteredObjectStore implements ObjectStore {
  /** Request types as S3 bills them. */
  public enum Op {
    PUT,
    PUT_IF_ABSENT,
    GET,
    RANGE_GET,
    HEAD,
    LIST,
    DELETE
  }

  private final ObjectStore inner;
  private final EnumMap<Op, Metrics.Counter> requests = new EnumMap<>(Op.class);
  private final EnumMap<Op, Metrics.Counter> failures = new EnumMap<>(Op.class);
  private final EnumMap<Op, Metrics.Histogram> latency = new EnumMap<>(Op.class);
  private final Metrics.Counter bytesRead;
  private final Metrics.Counter bytesWritten;

  public MeteredObjectStore(ObjectStore inner, Metrics metrics) {
    this.inner = inner;
    for (Op op : Op.values()) {
      String type = op.name().toLowerCase(java.util.Locale.ROOT);
      requests.put(
          op,
          metrics.counter(
              "objectkv_store_requests_total", "Object store requests by type.", "type", type));
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

  /** Requests of {@code op} sent so far (including failed ones). */
  public long requests(Op op) {
    return requests.get(op).get();
  }

  private <T> T timed(Op op, Supplier<T> call) {
    long start = System.nanoTime();
    requests.get(op).inc();
    try {
      return call.get();
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
    timed(
        Op.PUT,
        () -> {
          inner.put(key, content);
          return null;
        });
    bytesWritten.add(content.length());
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    boolean created = timed(Op.PUT_IF_ABSENT, () -> inner.putIfAbsent(key, content));
    if (created) {
      bytesWritten.add(content.length());
    }
    return created;
  }

  @Override
  public byte[] get(String key) {
    byte[] b = timed(Op.GET, () -> inner.get(key));
    bytesRead.add(b.length);
    return b;
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    byte[] b = timed(Op.RANGE_GET, () -> inner.getRange(key, offset, length));
    bytesRead.add(b.length);
    return b;
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    return timed(Op.HEAD, () -> inner.head(key));
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return timed(Op.LIST, () -> inner.list(prefix));
  }

  @Override
  public void delete(String key) {
    timed(
        Op.DELETE,
        () -> {
          inner.delete(key);
          return null;
        });
  }

  @Override
  public void close() {
    inner.close();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
