package io.objectkv.reader.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.model.Limits;
import io.objectkv.format.Entry;
import io.objectkv.reader.db.ReadSide;
import io.objectkv.reader.db.ReadSides;
import io.objectkv.reader.follow.ManifestTracker;
import io.objectkv.reader.follow.ReadState;
import io.objectkv.reader.query.Cursor;
import io.objectkv.reader.query.KeyRange;
import io.objectkv.reader.query.Scans;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.Headers;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.Json;
import io.objectkv.runtime.http.PathKeys;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The read endpoints of API.md, answered from this replica: {@code GET}/{@code HEAD /v1/kv/{key}},
 * {@code POST /v1/get}, {@code GET /v1/kv} scans, each at the consistency the request asks for.
 * Every answer carries {@code X-ObjectKV-Applied-Version}.
 */
public final class ReaderRoutes {
  static final String KV_PREFIX = "/v1/kv/";
  static final int MAX_SCAN_LIMIT = 10_000;
  static final int MAX_MULTI_GET = 10_000;
  static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(5000);
  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  private final ReadSides sides;
  private final InstantSource clock;
  private final Metrics.Counter reads;
  private final Metrics.Histogram strongLookup;
  private final Metrics.Histogram strongCatchUp;

  /**
   * @param clock decides which values have expired: a value is absent from its expiry time on
   */
  public ReaderRoutes(ReadSides sides, InstantSource clock, Metrics metrics) {
    this.sides = sides;
    this.clock = clock;
    this.reads =
        metrics.counter(
            "objectkv_reader_reads_total",
            "Reads answered: a key, a scan, or each key of a multi-get.");
    this.strongLookup =
        metrics.histogram(
            "objectkv_reader_strong_lookup_seconds",
            "Time a strong read waited for the end of the manifest log (its barrier).");
    this.strongCatchUp =
        metrics.histogram(
            "objectkv_reader_strong_catch_up_seconds",
            "Time a strong read then waited for this replica to apply the log up to its barrier.");
  }

  /** Reads answered since start (what the cost meter divides read costs by). */
  public long reads() {
    return reads.get();
  }

  /** RFC 3339, in UTC. */
  static String expiresAt(Entry e) {
    return Instant.ofEpochMilli(e.expiresAtMillis()).toString();
  }

  public void register(JavalinConfig config) {
    for (String path : DatabasePaths.both(KV_PREFIX + "<key>")) {
      config.routes.get(path, this::get);
      config.routes.head(path, this::get);
    }
    DatabasePaths.both("/v1/kv").forEach(path -> config.routes.get(path, this::scan));
    DatabasePaths.both("/v1/get").forEach(path -> config.routes.post(path, this::multiGet));
  }

  /** The state to answer from: waits for minVersion and/or the strong-read barrier. */
  ReadState stateFor(Context ctx) {
    String consistency = ctx.queryParam("consistency");
    String minVersion = ctx.queryParam("minVersion");
    Duration timeout = timeout(ctx.queryParam("timeoutMs"));
    if (consistency != null && !consistency.equals("eventual") && !consistency.equals("strong")) {
      throw ApiException.badRequest(
          "consistency must be eventual or strong, not '" + consistency + "'");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    ReadSide side = sides.of(ctx);
    ManifestTracker tracker = side.tracker();
    tracker.demand();
    try {
      ReadState s = tracker.state();
      if (s == null) {
        // Cold boot: say so at once, so a gateway asks another replica instead of waiting.
        throw ApiException.unavailable("this reader is still loading the manifest; retry");
      }
      if (minVersion != null) {
        s = tracker.awaitVersion(nonNegative(minVersion, "minVersion"), timeout);
      }
      String minPosition = ctx.header(Headers.MIN_LOG_POSITION);
      if ("strong".equals(consistency) && minPosition != null) {
        // The caller looks up the barrier itself and checks our position against it.
        s =
            tracker.awaitPosition(
                nonNegative(minPosition, Headers.MIN_LOG_POSITION),
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      } else if ("strong".equals(consistency)) {
        long asked = System.nanoTime();
        long end =
            side.committedEnd().afterNow().get(Math.max(0, deadline - asked), TimeUnit.NANOSECONDS);
        long known = System.nanoTime();
        strongLookup.observeNanos(known - asked);
        s = tracker.awaitPosition(end, Duration.ofNanos(Math.max(0, deadline - known)));
        strongCatchUp.observeNanos(System.nanoTime() - known);
      }
      return s;
    } catch (TimeoutException e) {
      ctx.header(Headers.APPLIED_VERSION, Long.toString(appliedNow(tracker)));
      throw new ApiException(
          504,
          "timeout",
          "the read's consistency was not reached within "
              + timeout.toMillis()
              + " ms: "
              + e.getMessage());
    } catch (ExecutionException e) {
      ctx.header(Headers.APPLIED_VERSION, Long.toString(appliedNow(tracker)));
      throw ApiException.unavailable(
          "cannot find the end of the manifest log for a strong read: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
  }

  private static long appliedNow(ManifestTracker tracker) {
    ReadState s = tracker.state();
    return s == null ? -1 : s.appliedVersion();
  }

  /** The current state, waiting out a cold boot (for status answers). */
  public ReadState state(Context ctx) {
    try {
      return sides.of(ctx).tracker().awaitVersion(-1, DEFAULT_TIMEOUT);
    } catch (TimeoutException e) {
      throw ApiException.unavailable("this reader is still loading the manifest");
    }
  }

  private static Duration timeout(String ms) {
    if (ms == null) {
      return DEFAULT_TIMEOUT;
    }
    long v = nonNegative(ms, "timeoutMs");
    return v > MAX_TIMEOUT.toMillis() ? MAX_TIMEOUT : Duration.ofMillis(v);
  }

  static long nonNegative(String v, String name) {
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw ApiException.badRequest(name + " must be a non-negative integer, not '" + v + "'");
  }

  private void get(Context ctx) {
    String uri = DatabasePaths.v1Path(PathKeys.rawPath(ctx));
    byte[] key = PathKeys.decode(uri.substring(KV_PREFIX.length()));
    checkKey(key);
    ReadState s = stateFor(ctx);
    reads.inc();
    ctx.header(Headers.APPLIED_VERSION, Long.toString(s.appliedVersion()));
    ctx.header(Headers.LOG_POSITION, Long.toString(s.logPosition()));
    Entry e = s.view().get(key);
    if (e == null || e.absentAt(clock.millis())) {
      throw new ApiException(404, "not_found", "no such key");
    }
    String etag = "\"" + e.version() + "\"";
    ctx.header("ETag", etag);
    if (e.expires()) {
      ctx.header(Headers.EXPIRES_AT, expiresAt(e));
    }
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && matches(ifNoneMatch, etag)) {
      ctx.status(304);
      return;
    }
    HttpServers.answer(ctx.contentType("application/octet-stream"), e.value());
  }

  static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  static void checkKey(byte[] key) {
    if (key.length == 0) {
      throw ApiException.badRequest(
          "a key is 1.." + Limits.MAX_KEY_BYTES + " bytes; this one is empty");
    }
    if (key.length > Limits.MAX_KEY_BYTES) {
      throw ApiException.tooLarge(
          "a key is at most " + Limits.MAX_KEY_BYTES + " bytes; this one has " + key.length);
    }
  }

  private void multiGet(Context ctx) {
    JsonNode body = Json.parse(HttpServers.body(ctx));
    JsonNode keys = body.isObject() ? body.get("keys") : null;
    JsonNode keysBase64 = body.isObject() ? body.get("keysBase64") : null;
    if ((keys == null && keysBase64 == null)
        || (keys != null && !keys.isArray())
        || (keysBase64 != null && !keysBase64.isArray())) {
      throw ApiException.badRequest(
          "the body must be {\"keys\": [\"k1\", ...]} (or \"keysBase64\" for binary keys)");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("keys") && !f.equals("keysBase64")) {
                throw ApiException.badRequest("unknown field \"" + f + "\"");
              }
            });
    List<byte[]> wanted = new ArrayList<>();
    if (keys != null) {
      for (JsonNode k : keys) {
        if (!k.isTextual()) {
          throw ApiException.badRequest("\"keys\" must hold strings");
        }
        wanted.add(Json.utf8Bytes(k.asText(), "a key of \"keys\""));
      }
    }
    if (keysBase64 != null) {
      for (JsonNode k : keysBase64) {
        try {
          wanted.add(java.util.Base64.getDecoder().decode(k.asText()));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("\"keysBase64\" holds something that is not base64");
        }
      }
    }
    if (wanted.size() > MAX_MULTI_GET) {
      throw ApiException.tooLarge(
          "at most " + MAX_MULTI_GET + " keys per request; this one has " + wanted.size());
    }
    wanted.forEach(ReaderRoutes::checkKey);
    ReadState s = stateFor(ctx);
    reads.add(wanted.size());
    long now = clock.millis();
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (byte[] k : wanted) {
      ObjectNode item = items.addObject();
      Json.putBytes(item, "key", k);
      Entry e = s.view().get(k);
      if (e == null || e.absentAt(now)) {
        item.put("found", false);
      } else {
        putValue(item, e);
      }
    }
    ObjectNode out = Json.object();
    out.set("items", items);
    ctx.header(Headers.APPLIED_VERSION, Long.toString(s.appliedVersion()));
    HttpServers.answer(ctx.contentType("application/json"), Json.bytes(out));
  }

  /** The value, version and (when it expires) expiry of a found item. */
  private static void putValue(ObjectNode item, Entry e) {
    Json.putBytes(item, "value", e.value());
    item.put("version", e.version());
    if (e.expires()) {
      item.put("expiresAt", expiresAt(e));
    }
  }

  private void scan(Context ctx) {
    Map<String, byte[]> q = PathKeys.rawQuery(ctx.req().getQueryString());
    KeyRange range = KeyRange.ALL;
    if (q.containsKey("prefix")) {
      range = range.intersect(KeyRange.prefix(q.get("prefix")));
    }
    range = range.intersect(new KeyRange(q.get("start"), q.get("end")));
    int limit = 100;
    if (ctx.queryParam("limit") != null) {
      long l = nonNegative(ctx.queryParam("limit"), "limit");
      if (l < 1 || l > MAX_SCAN_LIMIT) {
        throw ApiException.badRequest("limit must be 1.." + MAX_SCAN_LIMIT + ", not " + l);
      }
      limit = (int) l;
    }
    String reverseParam = ctx.queryParam("reverse");
    if (reverseParam != null && !reverseParam.equals("true") && !reverseParam.equals("false")) {
      throw ApiException.badRequest("reverse must be true or false");
    }
    boolean reverse = "true".equals(reverseParam);
    String cursor = ctx.queryParam("cursor");
    if (cursor != null) {
      byte[] last = Cursor.decode(cursor);
      if (last == null) {
        throw ApiException.badRequest("cursor is not one this API returned");
      }
      range = range.after(last, reverse);
    }
    ReadState s = stateFor(ctx);
    reads.inc();
    Scans.Page page = Scans.scan(s.view(), range, limit, reverse, clock.millis());
    ArrayNode items = Json.MAPPER.createArrayNode();
    for (Entry e : page.items()) {
      ObjectNode item = items.addObject();
      Json.putBytes(item, "key", e.key());
      putValue(item, e);
    }
    ObjectNode out = Json.object();
    out.set("items", items);
    if (page.more()) {
      out.put("cursor", Cursor.encode(page.items().getLast().key()));
    } else {
      out.putNull("cursor");
    }
    ctx.header(Headers.APPLIED_VERSION, Long.toString(s.appliedVersion()));
    HttpServers.answer(ctx.contentType("application/json"), Json.bytes(out));
  }
}
