package io.objectkv.gateway.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.gateway.db.GatewayDatabases;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.gateway.read.ReplicaHttp;
import io.objectkv.gateway.read.StrongRead;
import io.objectkv.kafka.CommittedEnd;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.Headers;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.PathKeys;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The read endpoints of API.md, forwarded to reader replicas: point reads to the key's replica
 * (rendezvous hashing), scans and multi-gets to any. A strong point read's barrier is looked up
 * here while the replica reads ({@link StrongRead}); scans and multi-gets leave it to the replica.
 */
public final class ReadRoutes {

  private final ReadForwarder forwarder;
  private final GatewayDatabases databases;
  private final Metrics.Histogram readSeconds;
  private final Metrics.Histogram strongBarrierSeconds;
  private final Metrics.Counter strongRereads;

  public ReadRoutes(ReadForwarder forwarder, GatewayDatabases databases, Metrics metrics) {
    this.forwarder = forwarder;
    this.databases = databases;
    this.readSeconds =
        metrics.histogram(
            "objectkv_gateway_read_seconds", "Time from a read's arrival to a replica's answer.");
    this.strongBarrierSeconds =
        metrics.histogram(
            "objectkv_gateway_strong_barrier_seconds",
            "Time a strong point read's lookup of the manifest log's end took (it overlaps the"
                + " replica's read).");
    this.strongRereads =
        metrics.counter(
            "objectkv_gateway_strong_rereads_total",
            "Strong point reads asked of a replica again: its first answer came from a state"
                + " short of the read's barrier.");
  }

  /** Time from a read's arrival to a replica's answer, for every read this gateway forwarded. */
  public Metrics.Histogram readSeconds() {
    return readSeconds;
  }

  public void register(JavalinConfig config) {
    for (String path : DatabasePaths.both(WriteRoutes.KV_PREFIX + "<key>")) {
      config.routes.get(path, timed(this::get));
      config.routes.head(path, timed(this::get));
    }
    DatabasePaths.both("/v1/kv").forEach(path -> config.routes.get(path, timed(this::scan)));
    DatabasePaths.both("/v1/get").forEach(path -> config.routes.post(path, timed(this::multiGet)));
    // A database's own status is its replicas' (the gateway's /v1/status covers the cluster).
    config.routes.get("/v1/db/{db}/status", timed(this::scan));
  }

  /** Times the read, after checking that its database exists (a replica would say so later). */
  private Handler timed(Handler read) {
    return ctx -> {
      long start = System.nanoTime();
      try {
        databases.resolve(ctx);
        read.handle(ctx);
      } finally {
        readSeconds.observeNanos(System.nanoTime() - start);
      }
    };
  }

  private static String pathAndQuery(Context ctx) {
    String q = ctx.req().getQueryString();
    return PathKeys.rawPath(ctx) + (q == null ? "" : "?" + q);
  }

  /** How long a replica may take: the read's own consistency timeout plus a margin. */
  private static Duration timeout(Context ctx) {
    long ms = 5000;
    try {
      if (ctx.queryParam("timeoutMs") != null) {
        ms = Math.min(60_000, Math.max(0, Long.parseLong(ctx.queryParam("timeoutMs"))));
      }
    } catch (NumberFormatException e) {
      // the replica will answer 400
    }
    return Duration.ofMillis(ms + 5000);
  }

  private void get(Context ctx) {
    byte[] key = WriteRoutes.pathKey(ctx).bytes();
    List<URI> replicas = forwarder.pool().forKey(key);
    Duration timeout = timeout(ctx);
    LongFunction<ReplicaHttp.Response> ask =
        minPosition ->
            forwarder.send(
                replicas,
                ctx.method().name(),
                pathAndQuery(ctx),
                null,
                timeout,
                "If-None-Match",
                ctx.header("If-None-Match"),
                Headers.MIN_LOG_POSITION,
                minPosition < 0 ? null : Long.toString(minPosition));
    if (!"strong".equals(ctx.queryParam("consistency"))) {
      relay(ask.apply(-1), ctx);
      return;
    }
    long start = System.nanoTime();
    CommittedEnd ends = databases.manifestEnd(ctx);
    // The hint: the end this gateway has read, or the last barrier found if the log moved on
    // since. A replica short of either would be asked again anyway.
    long hint = Math.max(databases.seenEnd(ctx), ends.latest());
    CompletableFuture<Long> end = ends.afterNow();
    end.whenComplete((e, failure) -> strongBarrierSeconds.observeNanos(System.nanoTime() - start));
    StrongRead.Answer a = StrongRead.read(end, hint, ask, timeout, forwarder.deadlines());
    if (a.askedAgain()) {
      strongRereads.inc();
    }
    relay(a.response(), ctx);
  }

  private void scan(Context ctx) {
    relay(
        forwarder.send(forwarder.pool().any(), "GET", pathAndQuery(ctx), null, timeout(ctx)), ctx);
  }

  private static void relay(ReplicaHttp.Response a, Context ctx) {
    ctx.status(a.status());
    for (String h : List.of("ETag", Headers.APPLIED_VERSION, "Content-Type", Headers.EXPIRES_AT)) {
      a.header(h).ifPresent(v -> ctx.header(h, v));
    }
    if (a.status() != 304) {
      HttpServers.answer(ctx, a.body());
    }
  }

  /**
   * A multi-get goes whole to one replica: its answer is then one snapshot (every key as of the
   * same applied version), whatever the number of replicas, and the replica alone parses and
   * validates it, so every deployment answers the same request the same way.
   */
  private void multiGet(Context ctx) {
    String query = ctx.req().getQueryString() == null ? "" : "?" + ctx.req().getQueryString();
    relay(
        forwarder.send(
            forwarder.pool().any(),
            "POST",
            DatabasePaths.in(DatabasePaths.database(ctx), "/v1/get") + query,
            HttpServers.body(ctx),
            timeout(ctx),
            "Content-Type",
            "application/json"),
        ctx);
  }
}
