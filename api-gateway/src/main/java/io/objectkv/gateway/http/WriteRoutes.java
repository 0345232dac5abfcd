package io.objectkv.gateway.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.gateway.db.GatewayDatabases;
import io.objectkv.gateway.errors.Answers;
import io.objectkv.gateway.write.BatchJson;
import io.objectkv.gateway.write.WriteClient;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.PathKeys;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The write endpoints of API.md: {@code PUT} (with {@code ?ttlMs=}) and {@code DELETE /v1/kv/{key}}
 * with {@code If-Match} / {@code If-None-Match}, {@code DELETE /v1/kv?prefix=} (a range delete) and
 * {@code POST /v1/batch}. Each request becomes one batch on the write log; the answer waits for its
 * outcome. An optional {@code Idempotency-Key} header gives single-key writes the batch's {@code
 * requestId}.
 */
public final class WriteRoutes {
  static final String KV_PREFIX = "/v1/kv/";

  private final GatewayDatabases databases;

  public WriteRoutes(GatewayDatabases databases) {
    this.databases = databases;
  }

  public void register(JavalinConfig config) {
    for (String path : DatabasePaths.both(KV_PREFIX + "<key>")) {
      config.routes.put(path, this::put);
      config.routes.delete(path, this::delete);
    }
    DatabasePaths.both("/v1/kv").forEach(path -> config.routes.delete(path, this::deleteRange));
    DatabasePaths.both("/v1/batch").forEach(path -> config.routes.post(path, this::batch));
  }

  /** The key of a {@code /v1/kv/{key}} request, decoded from the raw URI to exact bytes. */
  static Key pathKey(Context ctx) {
    String uri = DatabasePaths.v1Path(PathKeys.rawPath(ctx));
    byte[] key = PathKeys.decode(uri.substring(uri.indexOf(KV_PREFIX) + KV_PREFIX.length()));
    BatchJson.checkKey(key, "the key");
    return new Key(key);
  }

  private void put(Context ctx) {
    Key key = pathKey(ctx);
    byte[] value = HttpServers.body(ctx); // read whole before the limit is checked: see body()
    BatchJson.checkValue(value, "the value");
    String ttlParam = ctx.queryParam("ttlMs");
    Op op = Op.write(key, value, condition(ctx));
    if (ttlParam != null) {
      long ttl;
      try {
        ttl = Long.parseLong(ttlParam);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("ttlMs must be a positive integer, not '" + ttlParam + "'");
      }
      BatchJson.checkTtl(ttl, "the request");
      if (!(op instanceof Op.Put p)) {
        throw ApiException.badRequest("an empty body deletes the key; a delete takes no ttlMs");
      }
      op = new Op.Put(p.key(), p.value(), p.condition(), ttl);
    }
    Outcome.Committed c =
        submit(
            ctx, new WriteBatch(List.of(op), idempotencyKey(ctx)), Answers.Style.HTTP_PRECONDITION);
    if (op instanceof Op.Put) {
      ctx.header("ETag", "\"" + c.version() + "\"");
    }
    answerVersion(ctx, c.version());
  }

  /**
   * The request body, read whole before its limit is checked: a 413 sent while the client is still
   * sending makes the server close the connection, and the client may see the connection reset
   * instead of the answer. Bodies over {@link HttpServers#MAX_REQUEST_BYTES} are refused unread.
   */
  private static byte[] body(Context ctx, int limit, String what) {
    byte[] body = HttpServers.body(ctx);
    if (body.length > limit) {
      throw ApiException.tooLarge(
          what + " is at most " + limit + " bytes; this one has " + body.length);
    }
    return body;
  }

  /** {@code {"version": n}}, written directly: through Jackson it was 4% of a gateway's CPU. */
  private static void answerVersion(Context ctx, long version) {
    HttpServers.answer(
        ctx.contentType("application/json"),
        ("{\"version\":" + version + "}").getBytes(StandardCharsets.US_ASCII));
  }

  private void delete(Context ctx) {
    if (ctx.queryParam("ttlMs") != null) {
      throw ApiException.badRequest("a delete takes no ttlMs");
    }
    Op op = new Op.Delete(pathKey(ctx), condition(ctx));
    Outcome.Committed c =
        submit(
            ctx, new WriteBatch(List.of(op), idempotencyKey(ctx)), Answers.Style.HTTP_PRECONDITION);
    answerVersion(ctx, c.version());
  }

  /** {@code DELETE /v1/kv?prefix=P} or {@code ?start=S&end=E}: one range tombstone. */
  private void deleteRange(Context ctx) {
    Map<String, byte[]> q = PathKeys.rawQuery(ctx.req().getQueryString());
    for (String name : q.keySet()) {
      if (!Set.of("prefix", "start", "end").contains(name)) {
        throw ApiException.badRequest(
            "unknown parameter '" + name + "': a range delete takes prefix, or start and end");
      }
    }
    Op op =
        BatchJson.deleteRange(
            Optional.ofNullable(q.get("prefix")),
            Optional.ofNullable(q.get("start")),
            Optional.ofNullable(q.get("end")),
            "the range delete");
    Outcome.Committed c =
        submit(ctx, new WriteBatch(List.of(op), idempotencyKey(ctx)), Answers.Style.BATCH);
    answerVersion(ctx, c.version());
  }

  private void batch(Context ctx) {
    Outcome.Committed c =
        submit(
            ctx,
            BatchJson.parse(body(ctx, Limits.MAX_BATCH_BYTES, "a batch")),
            Answers.Style.BATCH);
    answerVersion(ctx, c.version());
  }

  private Outcome.Committed submit(Context ctx, WriteBatch batch, Answers.Style style) {
    WriteClient client = databases.writes(ctx);
    Outcome outcome;
    try {
      outcome = client.submit(batch).get();
    } catch (ExecutionException e) {
      throw Answers.unknown(e, batch.requestId() != null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Answers.unknown(e, batch.requestId() != null);
    }
    if (outcome instanceof Outcome.Committed c) {
      return c;
    }
    throw Answers.failure(outcome, style);
  }

  private static String idempotencyKey(Context ctx) {
    String id = ctx.header("Idempotency-Key");
    return id == null ? null : BatchJson.checkRequestId(id);
  }

  /** {@code If-None-Match: *}, {@code If-Match: *} or {@code If-Match: "N"} as a condition. */
  static Condition condition(Context ctx) {
    return condition(ctx.header("If-Match"), ctx.header("If-None-Match"));
  }

  static Condition condition(String ifMatch, String ifNoneMatch) {
    if (ifMatch != null && ifNoneMatch != null) {
      throw ApiException.badRequest("send If-Match or If-None-Match, not both");
    }
    if (ifNoneMatch != null) {
      if (!ifNoneMatch.trim().equals("*")) {
        throw ApiException.badRequest("If-None-Match on a write must be * (put if absent)");
      }
      return Condition.ABSENT;
    }
    if (ifMatch != null) {
      String v = ifMatch.trim();
      if (v.equals("*")) {
        return Condition.EXISTS;
      }
      return new Condition.VersionIs(etagVersion(v, "If-Match"));
    }
    return Condition.NONE;
  }

  /** The version in an ETag {@code "N"}. */
  static long etagVersion(String etag, String header) {
    String v =
        etag.startsWith("\"") && etag.endsWith("\"") && etag.length() >= 2
            ? etag.substring(1, etag.length() - 1)
            : etag;
    try {
      long n = Long.parseLong(v);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw ApiException.badRequest(
        header + " must be * or one version in quotes, like \"17\"; got " + etag);
  }
}
