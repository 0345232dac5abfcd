package io.objectkv.testkit.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.objectkv.testkit.history.Call;
import io.objectkv.testkit.history.History;
import io.objectkv.testkit.history.Result;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client of a chaos run: random operations on a few keys through the gateway's HTTP API, each
 * recorded in the history with what the client learned. A write is retried with the same request
 * id, as a careful client does, until its outcome is known or its time is up: the outcome is then
 * "unknown" if any attempt may have been applied, and the write is not recorded if every attempt
 * said it certainly was not.
 */
public final class ChaosClient implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How operations ended, counted over every client, and when reads failed. */
  public static final class Tally {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final java.util.Queue<Long> readFailures =
        new java.util.concurrent.ConcurrentLinkedQueue<>();

    void inc(String what) {
      counts.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
      if (what.startsWith("read failed") || what.startsWith("multi-get failed")) {
        readFailures.add(System.nanoTime());
      }
    }

    /** When reads failed (System.nanoTime). */
    public List<Long> readFailures() {
      return List.copyOf(readFailures);
    }

    public Map<String, Long> snapshot() {
      Map<String, Long> out = new java.util.TreeMap<>();
      counts.forEach((k, v) -> out.put(k, v.get()));
      return out;
    }
  }

  private final int id;
  private final URI gateway;
  private final List<String> keys;
  private final History history;
  private final Tally tally;
  private final Random rnd;
  private final Duration writeGiveUp;
  private final HttpClient http;
  private final Map<String, Result.Value> lastSeen = new HashMap<>();
  private long session = -1;
  private long seq;
  private volatile boolean running = true;

  public ChaosClient(
      int id,
      URI gateway,
      List<String> keys,
      History history,
      Tally tally,
      long seed,
      Duration writeGiveUp) {
    this.id = id;
    this.gateway = gateway;
    this.keys = keys;
    this.history = history;
    this.tally = tally;
    this.rnd = new Random(seed);
    this.writeGiveUp = writeGiveUp;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  public void stop() {
    running = false;
  }

  @Override
  public void run() {
    while (running) {
      step();
    }
  }

  private String key() {
    return keys.get(rnd.nextInt(keys.size()));
  }

  private String value() {
    return "c" + id + "-" + (++seq);
  }

  private static String path(String key) {
    return "/v1/kv/" + URLEncoder.encode(key, StandardCharsets.UTF_8);
  }

  /** One random operation. */
  void step() {
    int p = rnd.nextInt(100);
    String k = key();
    if (p < 20) {
      read(k, true);
    } else if (p < 28) {
      read(k, false);
    } else if (p < 43) {
      put(k, value(), new Call.Cond.None());
    } else if (p < 55) {
      Result.Value seen = lastSeen.get(k);
      if (seen == null || seen.version() < 0) {
        read(k, true);
      } else {
        put(k, value(), new Call.Cond.Version(seen.version()));
      }
    } else if (p < 63) {
      Result.Value seen = lastSeen.get(k);
      if (seen == null || seen.value() == null) {
        read(k, true);
      } else {
        put(k, value(), new Call.Cond.Value(seen.value()));
      }
    } else if (p < 71) {
      put(k, value(), new Call.Cond.Absent());
    } else if (p < 79) {
      delete(k, new Call.Cond.Exists());
    } else if (p < 83) {
      delete(k, new Call.Cond.None());
    } else if (p < 92) {
      String other = key();
      if (!other.equals(k)) {
        batch(List.of(k, other), value());
      }
    } else {
      List<String> ks = new ArrayList<>(new java.util.LinkedHashSet<>(List.of(k, key(), key())));
      multiGet(ks, rnd.nextInt(4) != 0);
    }
  }

  // ---- writes ----

  private void put(String key, String value, Call.Cond cond) {
    Call call = new Call.Put(key, value, cond);
    if (cond instanceof Call.Cond.Value v) {
      ObjectNode body = JSON.createObjectNode();
      ObjectNode op = body.putArray("ops").addObject();
      op.put("op", "put").put("key", key).put("value", value).put("ifValue", v.value());
      write(call, requestId -> post("/v1/batch", withId(body, requestId)));
      return;
    }
    write(
        call,
        requestId -> {
          HttpRequest.Builder b =
              request(path(key))
                  .PUT(HttpRequest.BodyPublishers.ofString(value))
                  .header("Idempotency-Key", requestId);
          condition(b, cond);
          return b.build();
        });
  }

  private void delete(String key, Call.Cond cond) {
    write(
        new Call.Delete(key, cond),
        requestId -> {
          HttpRequest.Builder b = request(path(key)).DELETE().header("Idempotency-Key", requestId);
          condition(b, cond);
          return b.build();
        });
  }

  private void batch(List<String> keys, String value) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode ops = body.putArray("ops");
    for (String k : keys) {
      ops.addObject().put("op", "put").put("key", k).put("value", value);
    }
    write(new Call.Batch(keys, value), requestId -> post("/v1/batch", withId(body, requestId)));
  }

  private static ObjectNode withId(ObjectNode body, String requestId) {
    ObjectNode copy = body.deepCopy();
    copy.put("requestId", requestId);
    return copy;
  }

  private static void condition(HttpRequest.Builder b, Call.Cond cond) {
    switch (cond) {
      case Call.Cond.None n -> {}
      case Call.Cond.Absent a -> b.header("If-None-Match", "*");
      case Call.Cond.Exists e -> b.header("If-Match", "*");
      case Call.Cond.Version v -> b.header("If-Match", "\"" + v.version() + "\"");
      case Call.Cond.Value v ->
          throw new IllegalArgumentException("value conditions go in a batch");
    }
  }

  private interface Attempt {
    HttpRequest build(String requestId);
  }

  private void write(Call call, Attempt attempt) {
    String requestId = UUID.randomUUID().toString();
    long invoked = System.nanoTime();
    long giveUp = invoked + writeGiveUp.toNanos();
    boolean maybeApplied = false;
    long backoff = 50;
    while (true) {
      HttpResponse<String> r;
      try {
        r = http.send(attempt.build(requestId), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        r = null; // connection refused or lost: it may have reached the gateway
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      long now = System.nanoTime();
      if (r != null && r.statusCode() == 200) {
        long version = JSON_version(r.body());
        remember(call, version);
        history.record(id, call, new Result.Ok(version), invoked, now);
        tally.inc("write ok");
        return;
      }
      if (r != null && (r.statusCode() == 409 || r.statusCode() == 412)) {
        history.record(id, call, new Result.Failed(field(r.body(), "reason")), invoked, now);
        tally.inc("write condition failed");
        return;
      }
      if (r != null && r.statusCode() / 100 == 4) {
        tally.inc("write refused " + r.statusCode() + " (a bug)");
        System.err.println(
            "chaos client " + id + ": " + call + " answered " + r.statusCode() + " " + r.body());
        return;
      }
      boolean notApplied =
          r != null && r.statusCode() == 503 && "false".equals(field(r.body(), "applied"));
      maybeApplied |= !notApplied;
      tally.inc(
          r == null
              ? "write attempt: no answer"
              : notApplied
                  ? "write attempt: 503 not applied"
                  : "write attempt: " + r.statusCode() + " unknown");
      if (now > giveUp || !running && now > invoked + Duration.ofSeconds(5).toNanos()) {
        if (maybeApplied) {
          history.record(id, call, new Result.Unknown(), invoked, now);
          tally.inc("write unknown");
        } else {
          tally.inc("write not applied");
        }
        return;
      }
      sleep(backoff);
      backoff = Math.min(1_000, backoff * 2);
    }
  }

  private void remember(Call call, long version) {
    session = Math.max(session, version);
    switch (call) {
      case Call.Put p -> lastSeen.put(p.key(), new Result.Value(p.value(), version));
      case Call.Delete d -> lastSeen.put(d.key(), new Result.Value(null, -1));
      case Call.Batch b ->
          b.keys().forEach(k -> lastSeen.put(k, new Result.Value(b.value(), version)));
      default -> {}
    }
  }

  // ---- reads ----

  private void read(String key, boolean strong) {
    String query = strong ? "?consistency=strong" : "?minVersion=" + Math.max(0, session);
    long invoked = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = http.send(request(path(key) + query).GET().build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      tally.inc("read failed: no answer");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long now = System.nanoTime();
    long applied =
        r.headers().firstValue("X-ObjectKV-Applied-Version").map(Long::parseLong).orElse(-1L);
    Result.Value v;
    if (r.statusCode() == 200) {
      long version = Long.parseLong(r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
      v = new Result.Value(r.body(), version);
    } else if (r.statusCode() == 404
        && applied >= -1
        && r.headers().firstValue("X-ObjectKV-Applied-Version").isPresent()) {
      v = new Result.Value(null, -1); // absent, as a replica at `applied` sees it
    } else {
      tally.inc("read failed: " + r.statusCode());
      return;
    }
    lastSeen.put(key, v);
    session = Math.max(session, applied);
    history.record(id, new Call.Read(key, strong), new Result.Read(v, applied), invoked, now);
    tally.inc(strong ? "read ok (strong)" : "read ok (minVersion)");
  }

  private void multiGet(List<String> keys, boolean strong) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode arr = body.putArray("keys");
    keys.forEach(arr::add);
    String query = strong ? "?consistency=strong" : "?minVersion=" + Math.max(0, session);
    long invoked = System.nanoTime();
    HttpResponse<String> r;
    try {
      r = http.send(post("/v1/get" + query, body), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      tally.inc("multi-get failed: no answer");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    long now = System.nanoTime();
    if (r.statusCode() != 200) {
      tally.inc("multi-get failed: " + r.statusCode());
      return;
    }
    long applied =
        r.headers().firstValue("X-ObjectKV-Applied-Version").map(Long::parseLong).orElse(-1L);
    Map<String, Result.Value> values = new LinkedHashMap<>();
    try {
      for (JsonNode item : JSON.readTree(r.body()).get("items")) {
        String k = item.get("key").asText();
        values.put(
            k,
            item.has("found") && !item.get("found").asBoolean()
                ? new Result.Value(null, -1)
                : new Result.Value(item.get("value").asText(), item.get("version").asLong()));
      }
    } catch (IOException e) {
      tally.inc("multi-get unreadable (a bug)");
      return;
    }
    values.forEach(lastSeen::put);
    session = Math.max(session, applied);
    history.record(
        id, new Call.MultiGet(keys, strong), new Result.MultiRead(values, applied), invoked, now);
    tally.inc(strong ? "multi-get ok (strong)" : "multi-get ok (minVersion)");
  }

  // ---- plumbing ----

  private HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(gateway.resolve(pathAndQuery)).timeout(Duration.ofSeconds(15));
  }

  private HttpRequest post(String pathAndQuery, JsonNode body) {
    return request(pathAndQuery)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }

  private static long JSON_version(String body) {
    try {
      return JSON.readTree(body).get("version").asLong();
    } catch (IOException e) {
      throw new IllegalStateException("unreadable answer: " + body, e);
    }
  }

  private static String field(String body, String name) {
    try {
      JsonNode n = JSON.readTree(body).get(name);
      return n == null ? "" : n.asText();
    } catch (IOException e) {
      return "";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
