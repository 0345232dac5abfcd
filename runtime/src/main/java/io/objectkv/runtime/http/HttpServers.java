package io.objectkv.runtime.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.runtime.health.Liveness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Javalin server every ObjectKV process runs: virtual threads, JSON errors for
 * everything (400/404/405/413/500/503), request counts and latencies, {@code GET /health} and
 * {@code GET /metrics}. The caller adds its own routes.
 */
public final class HttpServers {
  private HttpServers() {}

  private static final Logger log = LoggerFactory.getLogger(HttpServers.class);
  private static final String STARTED = "objectkv.started";

  /** Largest request body read before the API's own limits decide (413 above 4 MiB). */
  public static final long MAX_REQUEST_BYTES = 16L << 20;

  /** Largest request line plus headers (431 beyond). */
  static final int MAX_HEADER_BYTES = 64 << 10;

  /** Requests handled at once; beyond, 503 with Retry-After at once instead of a queue. */
  static final int MAX_IN_FLIGHT = 8192;

  /** Declared request bodies held at once (their Content-Length); beyond, 503 as above. */
  static final long MAX_IN_FLIGHT_BYTES = 128L << 20;

  public static Javalin create(String process, Metrics metrics, Consumer<JavalinConfig> routes) {
    return create(process, metrics, new Liveness(InstantSource.system()), Security.OPEN, routes);
  }

  /**
   * As {@link #create(String, Metrics, Consumer)}; {@code GET /health} answers 503 naming the
   * problems while {@code liveness} has any; {@code security} decides who may call and whether the
   * server speaks TLS.
   */
  public static Javalin create(
      String process,
      Metrics metrics,
      Liveness liveness,
      Security security,
      Consumer<JavalinConfig> routes) {
    registerJvm(metrics);
    Admission admission = new Admission(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, metrics);
    RequestMetrics requests = new RequestMetrics(metrics, process);
    // The routes as they are registered, and the API document cut to them once all are.
    Set<OpenApi.Operation> served = ConcurrentHashMap.newKeySet();
    AtomicReference<byte[]> openApi = new AtomicReference<>();
    Javalin app =
        Javalin.create(
            config -> {
              config.events.handlerAdded(
                  h -> {
                    if (h.getHttpMethod().isHttpMethod()) {
                      served.add(OpenApi.Operation.ofRoute(h.getHttpMethod().name(), h.getPath()));
                    }
                  });
              config.routes.get(
                  "/openapi.json",
                  ctx -> ctx.contentType("application/json").result(openApi.get()));
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              config.concurrency.useVirtualThreads = true;
              config.http.prefer405over404 = true;
              config.http.maxRequestSize = MAX_REQUEST_BYTES;
              config.http.generateEtags = false;
              // No gzip: answers are small values or pages of keys, mostly to processes next to
              // us, and deciding per answer whether to compress (its content type against lists
              // of types) took 8% of a gateway's and a reader's CPU under 64 clients' gets.
              config.http.compressionStrategy = noCompression();
              config.router.ignoreTrailingSlashes = false;
              // Keys are arbitrary bytes, percent-encoded: %2F, %25 and friends must reach us.
              // A key of 4096 bytes percent-encoded is 12 KiB of path, a scan's bounds twice that.
              config.jetty.modifyHttpConfiguration(
                  http -> {
                    http.setUriCompliance(UriCompliance.UNSAFE);
                    http.setRequestHeaderSize(MAX_HEADER_BYTES);
                    // No per-connection cache of header fields: with a thousand connections open
                    // its lookups missed the CPU's caches, 9% of a gateway's CPU under puts at
                    // 1,024 clients; without it a put costs the gateway 7-10% less CPU there.
                    http.setHeaderCacheSize(0);
                  });
              config.jetty.modifyServletContextHandler(
                  handler -> handler.getServletHandler().setDecodeAmbiguousURIs(true));
              config.jetty.modifyServer(
                  server -> {
                    server.setErrorHandler(new JsonErrorHandler());
                    widenAcceptQueue(server);
                  });
              // Our own connector (Javalin adds its default one only when there is none): HTTP/1.1
              // that lets %00 through in paths, over TLS when it is configured.
              config.jetty.addConnector(
                  (server, http) -> {
                    // Called at start, once the host and port are set.
                    HttpConnectionFactory http1 = new NulPathConnectionFactory(http);
                    ServerConnector connector =
                        security
                            .tls()
                            .map(
                                tls ->
                                    new ServerConnector(
                                        server,
                                        new SslConnectionFactory(tls.serverFactory(), "http/1.1"),
                                        http1))
                            .orElseGet(() -> new ServerConnector(server, http1));
                    connector.setHost(config.jetty.host);
                    connector.setPort(config.jetty.port);
                    return connector;
                  });

              config.routes.before(
                  ctx -> {
                    ctx.attribute(STARTED, System.nanoTime());
                    PathKeys.checkEscapes(PathKeys.rawPath(ctx), "the path");
                    PathKeys.checkEscapes(ctx.req().getQueryString(), "the query");
                    security.guard().check(ctx);
                    admission.enter(ctx);
                  });
              config.routes.after(
                  ctx -> {
                    admission.leave(ctx);
                    requests.observe(ctx, ctx.attribute(STARTED));
                  });
              config.routes.exception(ApiException.class, (e, ctx) -> render(ctx, e));
              // A body cut short (its Content-Length not reached, a broken chunk) is the client's.
              config.routes.exception(
                  BadMessageException.class,
                  (e, ctx) ->
                      render(
                          ctx,
                          new ApiException(
                              e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400,
                              codeFor(e.getCode() >= 400 && e.getCode() < 500 ? e.getCode() : 400),
                              "malformed request: " + e.getReason())));
              config.routes.exception(
                  UncheckedIOException.class,
                  (e, ctx) ->
                      render(
                          ctx,
                          ApiException.badRequest(
                              "the request body could not be read whole: " + e.getCause())));
              // Javalin's own refusals (no route, wrong method, body too large) as JSON errors.
              config.routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      render(
                          ctx,
                          new ApiException(
                              e.getStatus(), codeFor(e.getStatus()), messageFor(e, ctx))));
              config.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    if (clientCutShort(e)) {
                      render(
                          ctx,
                          ApiException.badRequest(
                              "the request ended before its body did (Content-Length or chunks"
                                  + " promised more): "
                                  + e.getMessage()));
                      return;
                    }
                    log.error("{} {} failed", ctx.method(), ctx.path(), e);
                    render(
                        ctx,
                        new ApiException(
                            500, "internal", e.getClass().getSimpleName() + ": " + e.getMessage()));
                  });
              config.routes.get(
                  "/health",
                  ctx -> {
                    List<String> problems = liveness.problems();
                    if (problems.isEmpty()) {
                      ctx.json(Map.of("status", "ok", "process", process));
                    } else {
                      ctx.status(503)
                          .json(
                              Map.of(
                                  "status",
                                  "unhealthy",
                                  "process",
                                  process,
                                  "error",
                                  "unavailable",
                                  "problems",
                                  problems));
                    }
                  });
              config.routes.get(
                  "/metrics",
                  ctx ->
                      ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                          .result(metrics.render()));
              routes.accept(config);
            });
    // Every route is registered now: one the document lacks stops the process here.
    openApi.set(Json.bytes(OpenApi.servedBy(served)));
    return app;
  }

  /**
   * The request body, whole. One read of exactly its declared length; refused (413) unread when
   * that is over {@link #MAX_REQUEST_BYTES}, or once past it when no length is declared (chunked).
   * Javalin's own reader copied every body through a new 8 KiB buffer into a growing array: 7% of a
   * gateway's CPU under 64 clients' puts of 100 bytes. Every route reads its body here.
   */
  public static byte[] body(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > MAX_REQUEST_BYTES) {
      throw tooLargeBody();
    }
    byte[] body;
    try {
      body =
          ctx.req()
              .getInputStream()
              .readNBytes(declared >= 0 ? (int) declared : (int) MAX_REQUEST_BYTES + 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (body.length > MAX_REQUEST_BYTES) {
      throw tooLargeBody();
    }
    if (body.length < declared) {
      throw ApiException.badRequest(
          "the request ended before its body did: "
              + body.length
              + " of the "
              + declared
              + " bytes its Content-Length promised");
    }
    return body;
  }

  /** Answers up to this size are written in one piece; larger ones are streamed by Javalin. */
  static final int BUFFERED_ANSWER_BYTES = 16 * 1024;

  /**
   * Answers {@code body} (its content type set by the caller). Javalin's {@code result} copied
   * every answer through a new 8 KiB buffer: 7% of a gateway's CPU samples under 64 clients' puts.
   * One up to {@link #BUFFERED_ANSWER_BYTES} is written in one piece with its Content-Length
   * instead (a client gone by then fails the write as it failed Javalin's copy); larger ones still
   * go through {@code result}, which streams them. The routes of reads and writes answer here; the
   * cold ones (console, metrics, OpenAPI document) and error answers keep {@code result}.
   */
  public static void answer(Context ctx, byte[] body) {
    if (body.length > BUFFERED_ANSWER_BYTES) {
      ctx.result(body);
      return;
    }
    ctx.res().setContentLength(body.length);
    try {
      ctx.outputStream().write(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ApiException tooLargeBody() {
    return new ApiException(413, codeFor(413), "request body too large");
  }

  /** Whether {@code e} (or a cause) is the client's connection ending inside a request body. */
  static boolean clientCutShort(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.eclipse.jetty.io.EofException || t instanceof BadMessageException) {
        return true;
      }
    }
    return false;
  }

  /**
   * No compression, decided cheaply. Javalin's NONE strategy still matched every answer's content
   * type against its list of excluded types before it looked at anything else: an empty list and a
   * size no answer reaches end the decision at once.
   */
  private static CompressionStrategy noCompression() {
    CompressionStrategy none = new CompressionStrategy(null, null);
    none.setExcludedMimeTypes(List.of());
    none.setDefaultMinSizeForCompression(Integer.MAX_VALUE);
    return none;
  }

  /** Connections waiting to be accepted; beyond it the kernel drops them. */
  static final int ACCEPT_QUEUE = 1024;

  /**
   * The JDK's default listen backlog (50) overflows when hundreds of clients connect at once (the
   * kernel then drops handshakes and clients see closed connections), so every connector gets a
   * longer queue before it opens.
   */
  private static void widenAcceptQueue(Server server) {
    server.addEventListener(
        new LifeCycle.Listener() {
          @Override
          public void lifeCycleStarting(LifeCycle event) {
            for (Connector c : server.getConnectors()) {
              if (c instanceof ServerConnector connector) {
                connector.setAcceptQueueSize(ACCEPT_QUEUE);
              }
            }
          }
        });
  }

  /** Heap in use, its bound, and the sum of the heap pools' peaks (an upper bound of the peak). */
  private static void registerJvm(Metrics metrics) {
    var memory = java.lang.management.ManagementFactory.getMemoryMXBean();
    metrics.gauge(
        "objectkv_jvm_heap_used_bytes",
        "Heap in use.",
        () -> memory.getHeapMemoryUsage().getUsed());
    metrics.gauge(
        "objectkv_jvm_heap_max_bytes",
        "Heap bound (-Xmx).",
        () -> memory.getHeapMemoryUsage().getMax());
    metrics.gauge(
        "objectkv_jvm_heap_peak_bytes",
        "Sum of the heap pools' peak usage since start.",
        () ->
            java.lang.management.ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed())
                .sum());
  }

  static String codeFor(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 503 -> "unavailable";
      case 504 -> "timeout";
      default -> "http_" + status;
    };
  }

  private static String messageFor(HttpResponseException e, Context ctx) {
    return switch (e.getStatus()) {
      case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
      case 405 -> ctx.method() + " is not allowed on " + ctx.path();
      case 413 -> "request body too large";
      default -> e.getMessage();
    };
  }

  /** Writes an error answer. */
  public static void render(Context ctx, ApiException e) {
    e.headers().forEach(ctx::header);
    ctx.status(e.status()).contentType("application/json").result(Json.bytes(e.body()));
  }
}
