package io.objectkv.runtime.http;

import io.javalin.http.Context;
import io.objectkv.core.metrics.Metrics;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the requests a process works on at once, and the request bodies they declare: beyond
 * either bound a request is answered 503 with {@code Retry-After} at once, instead of queueing
 * without bound (each request holds a virtual thread and up to 16 MiB of body).
 */
final class Admission {
  private static final String ADMITTED = "objectkv.admitted";

  private final int maxRequests;
  private final long maxBytes;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final Metrics.Counter refused;

  Admission(int maxRequests, long maxBytes, Metrics metrics) {
    this.maxRequests = maxRequests;
    this.maxBytes = maxBytes;
    this.refused =
        metrics.counter(
            "objectkv_http_refused_total",
            "Requests answered 503 because the process was at its bound of requests in flight.");
    metrics.gauge("objectkv_http_in_flight", "Requests being handled.", requests::get);
    metrics.gauge(
        "objectkv_http_in_flight_bytes", "Declared bodies of requests being handled.", bytes::get);
  }

  void enter(Context ctx) {
    long declared = Math.max(0, ctx.req().getContentLengthLong());
    if (requests.incrementAndGet() > maxRequests) {
      requests.decrementAndGet();
      refused.inc();
      throw ApiException.unavailable(
          "this process is handling " + maxRequests + " requests already; retry shortly");
    }
    if (bytes.addAndGet(declared) > maxBytes && declared > 0) {
      bytes.addAndGet(-declared);
      requests.decrementAndGet();
      refused.inc();
      throw ApiException.unavailable(
          "this process holds "
              + (maxBytes >> 20)
              + " MiB of request bodies already; retry shortly");
    }
    ctx.attribute(ADMITTED, declared);
  }

  void leave(Context ctx) {
    Long declared = ctx.attribute(ADMITTED);
    if (declared != null) {
      ctx.attribute(ADMITTED, null);
      bytes.addAndGet(-declared);
      requests.decrementAndGet();
    }
  }
}
