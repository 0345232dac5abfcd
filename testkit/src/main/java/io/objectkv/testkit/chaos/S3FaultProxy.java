package io.objectkv.testkit.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy in front of a real S3 server that misbehaves the way S3 does: slow time to first
 * byte (lognormal), errors (500 InternalError, 503 SlowDown) before a request reaches the server,
 * and PUTs that the server applied but whose answer is lost (500 after the fact). Faults are
 * switched on and off at run time and drawn from a seeded generator.
 */
public final class S3FaultProxy implements AutoCloseable {
  /** What the proxy does now. */
  public record Faults(
      double medianLatencyMillis, double latencySigma, double errorRate, double lostPutRate) {
    public static final Faults NONE = new Faults(0, 0, 0, 0);

    /** Lognormal with median 86 ms and p99 about 320 ms (sigma 0.565). */
    public static final Faults SLOW = new Faults(86, 0.565, 0, 0);

    public static final Faults FAILING = new Faults(0, 0, 0.05, 0);
    public static final Faults LOSING_PUTS = new Faults(0, 0, 0, 0.05);
  }

  /** Request headers the client library sets itself. */
  private static final Set<String> HOP =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "keep-alive",
          "transfer-encoding");

  private final HttpServer server;
  private final URI target;
  private final HttpClient http;
  private final Random random;
  private volatile Faults faults = Faults.NONE;
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> databases = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> kinds = new ConcurrentHashMap<>();

  public S3FaultProxy(URI target, long seed) {
    this.target = target;
    this.random = new Random(seed);
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the S3 fault proxy", e);
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public void set(Faults f) {
    faults = f;
  }

  public Faults faults() {
    return faults;
  }

  /** Requests by what happened to them: forwarded, delayed, failed, lost. */
  public Map<String, Long> counts() {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * Requests on objects received so far, by the kind S3 bills (put, get, rangedGet, head, list,
   * delete: the names of the cost meter), whatever then happened to them. Requests on the bucket
   * itself (creating it) are not counted.
   */
  public Map<String, Long> requestsByKind() {
    Map<String, Long> out = new java.util.TreeMap<>();
    kinds.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /**
   * Requests on objects by the database whose prefix ({@code .../db/<name>/...}) they name; {@code
   * default} for the others. A batch delete (a POST) names its keys in its body and counts as
   * {@code (batch delete)}.
   */
  public Map<String, Long> requestsByDatabase() {
    Map<String, Long> out = new java.util.TreeMap<>();
    databases.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  static String database(String method, String path, String query) {
    if (method.equals("POST")) {
      return "(batch delete)";
    }
    String s =
        java.net.URLDecoder.decode(
            path + "?" + (query == null ? "" : query), java.nio.charset.StandardCharsets.UTF_8);
    int at = s.indexOf("/db/");
    if (at < 0) {
      return "default";
    }
    int end = s.indexOf('/', at + 4);
    return s.substring(at + 4, end < 0 ? s.length() : end);
  }

  /** Forgets what was counted so far: counts start again from zero. */
  public void resetCounts() {
    counts.clear();
    kinds.clear();
    databases.clear();
  }

  /** The kind of an S3 request (path-style: /bucket/key), or null for one on the bucket itself. */
  static String kind(String method, String path, String query, boolean ranged) {
    boolean onObject = path.indexOf('/', 1) > 0 && path.indexOf('/', 1) < path.length() - 1;
    String q = query == null ? "" : query;
    return switch (method) {
      case "GET" ->
          q.contains("list-type") ? "list" : !onObject ? null : ranged ? "rangedGet" : "get";
      case "PUT" -> onObject ? "put" : null;
      case "HEAD" -> onObject ? "head" : null;
      case "DELETE" -> onObject ? "delete" : null;
      case "POST" -> q.startsWith("delete") || q.contains("&delete") ? "delete" : null;
      default -> null;
    };
  }

  private void count(String what) {
    counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
  }

  private synchronized double nextGaussian() {
    return random.nextGaussian();
  }

  private synchronized double nextDouble() {
    return random.nextDouble();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Faults f = faults;
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
      String kind =
          kind(
              method,
              ex.getRequestURI().getRawPath(),
              ex.getRequestURI().getRawQuery(),
              ex.getRequestHeaders().containsKey("Range"));
      if (kind != null) {
        kinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        databases
            .computeIfAbsent(
                database(method, ex.getRequestURI().getRawPath(), ex.getRequestURI().getRawQuery()),
                k -> new AtomicLong())
            .incrementAndGet();
      }
      if (f.medianLatencyMillis() > 0) {
        long ms = (long) (f.medianLatencyMillis() * Math.exp(f.latencySigma() * nextGaussian()));
        count("delayed");
        sleep(Math.min(ms, 5_000));
      }
      if (f.errorRate() > 0 && nextDouble() < f.errorRate()) {
        boolean throttle = nextDouble() < 0.5;
        count(throttle ? "throttled" : "failed");
        error(ex, throttle ? 503 : 500, throttle ? "SlowDown" : "InternalError");
        return;
      }
      HttpResponse<byte[]> r;
      try {
        r = http.send(forward(ex, method, body), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        count("unreachable");
        error(ex, 503, "ServiceUnavailable");
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (method.equals("PUT") && f.lostPutRate() > 0 && nextDouble() < f.lostPutRate()) {
        count("lost-answer");
        error(ex, 500, "InternalError"); // applied, but the client never learns it
        return;
      }
      count("forwarded");
      r.headers()
          .map()
          .forEach(
              (name, values) -> {
                String n = name.toLowerCase(Locale.ROOT);
                if (!HOP.contains(n) && !n.equals(":status")) {
                  ex.getResponseHeaders().put(name, values);
                }
              });
      byte[] out = r.body();
      boolean noBody = method.equals("HEAD") || r.statusCode() == 204 || r.statusCode() == 304;
      if (method.equals("HEAD")) {
        r.headers()
            .firstValue("content-length")
            .ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
      }
      ex.sendResponseHeaders(r.statusCode(), noBody ? -1 : (out.length == 0 ? -1 : out.length));
      if (!noBody && out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  private HttpRequest forward(HttpExchange ex, String method, byte[] body) {
    URI uri =
        target.resolve(
            ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null
                    ? ""
                    : "?" + ex.getRequestURI().getRawQuery()));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        for (String v : h.getValue()) {
          b.header(h.getKey(), v);
        }
      }
    }
    return b.build();
  }

  private static void error(HttpExchange ex, int status, String code) throws IOException {
    byte[] xml =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>injected by the chaos proxy</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/xml");
    ex.sendResponseHeaders(status, xml.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(xml);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
