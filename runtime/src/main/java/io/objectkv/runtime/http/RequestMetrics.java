package io.objectkv.runtime.http;

import io.javalin.http.Context;
import io.objectkv.core.metrics.Metrics;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts and times every HTTP request by method, route and status. The series are looked up once
 * per combination: the registry's own lookup takes its lock and builds the label text, which every
 * request paid before.
 */
final class RequestMetrics {
  private record Route(String method, String route) {}

  private record Served(String method, String route, int status) {}

  private final Metrics metrics;
  private final String process;
  private final ConcurrentHashMap<Served, Metrics.Counter> counts = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Route, Metrics.Histogram> latencies = new ConcurrentHashMap<>();

  RequestMetrics(Metrics metrics, String process) {
    this.metrics = metrics;
    this.process = process;
  }

  /** Records a request that {@code ctx} answered, begun at {@code startedNanos} (or null). */
  void observe(Context ctx, Long startedNanos) {
    var matched = ctx.endpoints().lastHttpEndpoint();
    String route = matched == null ? "unmatched" : matched.path;
    String method = ctx.method().name();
    counts.computeIfAbsent(new Served(method, route, ctx.statusCode()), this::counter).inc();
    if (startedNanos != null) {
      latencies
          .computeIfAbsent(new Route(method, route), this::histogram)
          .observeNanos(System.nanoTime() - startedNanos);
    }
  }

  private Metrics.Counter counter(Served s) {
    return metrics.counter(
        "objectkv_http_requests_total",
        "HTTP requests served.",
        "process",
        process,
        "method",
        s.method(),
        "route",
        s.route(),
        "status",
        Integer.toString(s.status()));
  }

  private Metrics.Histogram histogram(Route r) {
    return metrics.histogram(
        "objectkv_http_request_seconds",
        "HTTP request latency.",
        "process",
        process,
        "method",
        r.method(),
        "route",
        r.route());
  }
}
