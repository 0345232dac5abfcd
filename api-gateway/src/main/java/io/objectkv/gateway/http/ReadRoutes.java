package io.objectkv.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The read endpoints of API.md, forwarded to reader replicas: point reads to the key's replica
 * (rendezvous hashing), scans to any, multi-gets split by key and merged back in order.
 */
public final class ReadRoutes {
  static final String APPLIED_VERSION = "X-ObjectKV-Applied-Version";

  private final ReadForwarder forwarder;

  public ReadRoutes(ReadForwarder forwarder) {
    this.forwarder = forwarder;
  }

  public void register(JavalinConfig config) {
    config.routes.get(WriteRoutes.KV_PREFIX + "<key>", this::get);
    config.routes.head(WriteRoutes.KV_PREFIX + "<key>", this::get);
    config.routes.get("/v1/kv", this::scan);
    config.routes.post("/v1/get", this::multiGet);
  }

  private static String pathAndQuery(Context ctx) {
    String q = ctx.req().getQueryString();
    return ctx.req().getRequestURI() + (q == null ? "" : "?" + q);
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
    ReadForwarder.Answer a =
        forwarder.send(
            forwarder.pool().forKey(key),
            ctx.method().name(),
            pathAndQuery(ctx),
            null,
            timeout(ctx),
            "If-None-Match",
            ctx.header("If-None-Match"));
    relay(a, ctx);
  }

  private void scan(Context ctx) {
    relay(
        forwarder.send(forwarder.pool().any(), "GET", pathAndQuery(ctx), null, timeout(ctx)), ctx);
  }

  private static void relay(ReadForwarder.Answer a, Context ctx) {
    ctx.status(a.status());
    for (String h : List.of("ETag", APPLIED_VERSION, "Content-Type")) {
      a.response().headers().firstValue(h).ifPresent(v -> ctx.header(h, v));
    }
    if (a.status() != 304) {
      ctx.result(a.response().body());
    }
  }

  private void multiGet(Context ctx) {
    byte[] body = ctx.bodyAsBytes();
    JsonNode parsed = Json.parse(body);
    List<byte[]> keys = new ArrayList<>();
    if (parsed.isObject()) {
      for (String field : List.of("keys", "keysBase64")) {
        JsonNode arr = parsed.get(field);
        if (arr != null && arr.isArray()) {
          for (JsonNode k : arr) {
            if (!k.isTextual()) {
              keys = null;
              break;
            }
            keys.add(
                field.equals("keys")
                    ? k.asText().getBytes(StandardCharsets.UTF_8)
                    : decode(k.asText()));
          }
        }
        if (keys == null) {
          break;
        }
      }
    }
    String query = ctx.req().getQueryString() == null ? "" : "?" + ctx.req().getQueryString();
    Map<URI, List<Integer>> byReplica = new LinkedHashMap<>();
    if (keys != null) {
      for (int i = 0; i < keys.size(); i++) {
        byReplica
            .computeIfAbsent(
                forwarder.pool().forKey(keys.get(i)).getFirst(), r -> new ArrayList<>())
            .add(i);
      }
    }
    if (keys == null || byReplica.size() <= 1) {
      // one replica (or a request the replica must refuse): forward it whole
      List<URI> order =
          keys == null || keys.isEmpty()
              ? forwarder.pool().any()
              : forwarder.pool().forKey(keys.getFirst());
      relay(
          forwarder.send(
              order,
              "POST",
              "/v1/get" + query,
              body,
              timeout(ctx),
              "Content-Type",
              "application/json"),
          ctx);
      return;
    }
    List<byte[]> all = keys;
    JsonNode[] items = new JsonNode[all.size()];
    long applied = Long.MAX_VALUE;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Map.Entry<List<Integer>, Future<ReadForwarder.Answer>>> parts = new ArrayList<>();
      for (Map.Entry<URI, List<Integer>> e : byReplica.entrySet()) {
        ObjectNode sub = Json.object();
        ArrayNode b64 = sub.putArray("keysBase64");
        e.getValue().forEach(i -> b64.add(Base64.getEncoder().encodeToString(all.get(i))));
        byte[] subBody = Json.bytes(sub);
        List<URI> order = forwarder.pool().forKey(all.get(e.getValue().getFirst()));
        parts.add(
            Map.entry(
                e.getValue(),
                pool.submit(
                    () ->
                        forwarder.send(
                            order,
                            "POST",
                            "/v1/get" + query,
                            subBody,
                            timeout(ctx),
                            "Content-Type",
                            "application/json"))));
      }
      for (var part : parts) {
        ReadForwarder.Answer a = part.getValue().get();
        if (a.status() != 200) {
          relay(a, ctx);
          return;
        }
        JsonNode subItems = Json.parse(a.response().body()).get("items");
        for (int j = 0; j < part.getKey().size(); j++) {
          items[part.getKey().get(j)] = subItems.get(j);
        }
        applied =
            Math.min(
                applied,
                a.response()
                    .headers()
                    .firstValue(APPLIED_VERSION)
                    .map(Long::parseLong)
                    .orElse(-1L));
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ApiException api) {
        throw api;
      }
      throw ApiException.unavailable("multi-get failed: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable("interrupted");
    }
    ObjectNode out = Json.object();
    ArrayNode arr = out.putArray("items");
    for (JsonNode item : items) {
      arr.add(item);
    }
    ctx.header(APPLIED_VERSION, Long.toString(applied));
    ctx.contentType("application/json").result(Json.bytes(out));
  }

  private static byte[] decode(String b64) {
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("\"keysBase64\" holds something that is not base64");
    }
  }
}
