package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every read endpoint of API.md, through the gateway and straight from replicas. */
class ReadPathIT {
  static Cluster cluster;
  static Api api;
  static List<ReaderMain.Reader> replicas = new ArrayList<>();
  @TempDir static Path caches;

  @BeforeAll
  static void start() {
    cluster = new Cluster("reads");
    cluster.startActiveWriter();
    for (int i = 0; i < 3; i++) {
      replicas.add(cluster.startReader(caches.resolve("r" + i)));
    }
    api = cluster.startGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static long rangeGets(ReaderMain.Reader r) {
    return io.objectkv.core.store.MeteredObjectStore.requests(r.metrics())
        .get(io.objectkv.core.store.ForwardingStore.Op.RANGE_GET);
  }

  @Test
  void getHeadAnd304() {
    long v = api.put("g1", "hello").version();
    Api.Response r = api.get("g1", "X-Unused", "1");
    r = api.send("GET", Api.kv("g1") + "?minVersion=" + v, null);
    assertEquals(200, r.status(), r.toString());
    assertEquals("hello", r.body());
    assertEquals("\"" + v + "\"", r.header("ETag"));
    assertTrue(Long.parseLong(r.header("X-ObjectKV-Applied-Version")) >= v);
    Api.Response head = api.send("HEAD", Api.kv("g1") + "?minVersion=" + v, null);
    assertEquals(200, head.status());
    assertEquals(0, head.bytes().length);
    assertEquals("\"" + v + "\"", head.header("ETag"));
    Api.Response same =
        api.send("GET", Api.kv("g1") + "?minVersion=" + v, null, "If-None-Match", "\"" + v + "\"");
    assertEquals(304, same.status());
    assertEquals(0, same.bytes().length);
    Api.Response changed =
        api.send(
            "GET", Api.kv("g1") + "?minVersion=" + v, null, "If-None-Match", "\"" + (v - 1) + "\"");
    assertEquals(200, changed.status());
    Api.Response missing = api.send("GET", Api.kv("never-written") + "?minVersion=" + v, null);
    assertEquals(404, missing.status());
    assertEquals("not_found", missing.json().get("error").asText());
    assertNotNull(
        missing.header("X-ObjectKV-Applied-Version"),
        "every read answer carries the applied version");
    long d = api.delete("g1").version();
    assertEquals(
        404,
        api.send("GET", Api.kv("g1") + "?minVersion=" + d, null).status(),
        "a deleted key is absent");
  }

  @Test
  void readYourWritesOnEveryReplica() {
    for (int i = 0; i < 20; i++) {
      long v = api.put("ryw-" + i, "value-" + i).version();
      for (ReaderMain.Reader r : replicas) {
        Api.Response got =
            Cluster.api(r).send("GET", Api.kv("ryw-" + i) + "?minVersion=" + v, null);
        assertEquals("value-" + i, got.body(), "replica " + r.port());
      }
    }
  }

  /** Keys with NUL and non-UTF-8 bytes read back by path, through the gateway and each replica. */
  @Test
  void pathKeysWithAnyBytesReadBack() {
    for (String encoded :
        List.of("%00", "a%00b%00", "%00%FF%2F", "%FF%FE%80", "%00".repeat(4096))) {
      String label = encoded.substring(0, Math.min(24, encoded.length()));
      long v =
          api.send("PUT", "/v1/kv/" + encoded, label.getBytes()).json().get("version").asLong();
      Api.Response viaGateway = api.send("GET", "/v1/kv/" + encoded + "?consistency=strong", null);
      assertEquals(200, viaGateway.status(), label + ": " + viaGateway.body());
      assertEquals(label, viaGateway.body());
      for (ReaderMain.Reader r : replicas) {
        Api.Response got =
            Cluster.api(r).send("GET", "/v1/kv/" + encoded + "?minVersion=" + v, null);
        assertEquals(label, got.body(), "replica " + r.port());
      }
      if (encoded.length() < 3 * 4096) { // one NUL more is another key
        assertEquals(404, api.send("GET", "/v1/kv/" + encoded + "%00", null).status(), label);
      }
    }
  }

  /**
   * The gateway and a replica each describe exactly what they serve, together everything the
   * document has; and the answers they give are among those documented, with the documented
   * required fields.
   */
  @Test
  void openApiMatchesTheRoutesAndTheAnswers() {
    JsonNode full = io.objectkv.runtime.http.OpenApi.document();
    JsonNode viaGateway = api.send("GET", "/openapi.json", null).json();
    JsonNode viaReader = Cluster.api(replicas.getFirst()).send("GET", "/openapi.json", null).json();
    java.util.Set<io.objectkv.runtime.http.OpenApi.Operation> served =
        new java.util.HashSet<>(io.objectkv.runtime.http.OpenApi.operations(viaGateway));
    served.addAll(io.objectkv.runtime.http.OpenApi.operations(viaReader));
    assertEquals(
        new java.util.HashSet<>(io.objectkv.runtime.http.OpenApi.operations(full)),
        served,
        "documented operations that no server registers");
    assertTrue(
        io.objectkv.runtime.http.OpenApi.operations(viaReader).stream()
            .noneMatch(o -> o.method().equals("put") || o.method().equals("delete")),
        "a replica does not take writes");

    long v = api.put("oa", "1").version();
    conforms(full, "put", "/v1/kv/{key}", api.send("PUT", Api.kv("oa"), "2".getBytes()));
    conforms(
        full,
        "put",
        "/v1/kv/{key}",
        api.send("PUT", Api.kv("oa"), "3".getBytes(), "If-Match", "\"" + v + "\""));
    conforms(full, "get", "/v1/kv/{key}", api.get("oa", "X-Unused", "x"));
    conforms(full, "get", "/v1/kv/{key}", api.get("oa-absent"));
    conforms(full, "head", "/v1/kv/{key}", api.send("HEAD", Api.kv("oa"), null));
    conforms(full, "get", "/v1/kv", api.send("GET", "/v1/kv?prefix=oa", null));
    conforms(full, "get", "/v1/kv", api.send("GET", "/v1/kv?limit=-1", null));
    conforms(
        full,
        "post",
        "/v1/get",
        api.send(
            "POST",
            "/v1/get",
            "{\"keys\":[\"oa\",\"nope\"]}".getBytes(),
            "Content-Type",
            "application/json"));
    conforms(
        full,
        "post",
        "/v1/batch",
        api.batch("{\"ops\":[{\"op\":\"put\",\"key\":\"ob\",\"value\":\"1\"}]}"));
    conforms(
        full,
        "post",
        "/v1/batch",
        api.batch("{\"ops\":[{\"op\":\"check\",\"key\":\"ob\",\"if\":\"absent\"}]}"));
    conforms(full, "post", "/v1/batch", api.batch("{\"ops\":[]}"));
    conforms(full, "delete", "/v1/kv/{key}", api.delete("ob", "If-Match", "\"1\""));
    conforms(full, "delete", "/v1/kv", api.send("DELETE", "/v1/kv?prefix=oz", null));
    conforms(full, "get", "/health", api.send("GET", "/health", null));
    conforms(full, "get", "/v1/status", api.send("GET", "/v1/status", null));
  }

  /** {@code r}'s status is documented for the operation, with the required fields of its body. */
  private static void conforms(JsonNode doc, String method, String path, Api.Response r) {
    JsonNode answer =
        doc.get("paths").get(path).get(method).get("responses").get(Integer.toString(r.status()));
    assertNotNull(answer, method + " " + path + " answered an undocumented " + r);
    JsonNode schema = answer.at("/content/application~1json/schema");
    if (schema.isMissingNode()) {
      return;
    }
    if (schema.has("$ref")) {
      schema = doc.at(schema.get("$ref").asText().substring(1));
    }
    JsonNode body = r.json();
    for (JsonNode field : schema.path("required")) {
      assertTrue(body.has(field.asText()), method + " " + path + ": no " + field + " in " + r);
    }
  }

  @Test
  void minVersionTimesOutWith504() {
    Api.Response r =
        Cluster.api(replicas.getFirst())
            .send("GET", Api.kv("x") + "?minVersion=999999999&timeoutMs=200", null);
    assertEquals(504, r.status(), r.toString());
    assertEquals("timeout", r.json().get("error").asText());
    assertNotNull(r.header("X-ObjectKV-Applied-Version"));
    assertEquals(400, api.send("GET", Api.kv("x") + "?consistency=sometimes", null).status());
    assertEquals(400, api.send("GET", Api.kv("x") + "?minVersion=-3", null).status());
  }

  @Test
  void strongReadsSeeEveryAcknowledgedWrite() {
    for (int i = 0; i < 30; i++) {
      api.put("strong", Integer.toString(i));
      for (ReaderMain.Reader r : replicas) {
        Api.Response got =
            Cluster.api(r).send("GET", Api.kv("strong") + "?consistency=strong", null);
        assertEquals(
            Integer.toString(i),
            got.body(),
            "a strong read right after the ack, replica " + r.port());
      }
    }
  }

  @Test
  void strongReadsThroughAnotherGatewaySeeEveryAcknowledgedWrite() {
    // The second gateway acknowledged none of these writes, so only its barrier makes its
    // replicas wait for them (see StrongRead).
    Api other = cluster.startGateway();
    for (int i = 0; i < 40; i++) {
      String key = "cross-" + (i % 4);
      if (i % 5 == 4) {
        assertEquals(200, api.delete(key).status());
        assertEquals(
            404,
            other.send("GET", Api.kv(key) + "?consistency=strong", null).status(),
            "a strong read right after the delete");
      } else {
        api.put(key, Integer.toString(i));
        assertEquals(
            Integer.toString(i),
            other.send("GET", Api.kv(key) + "?consistency=strong", null).body(),
            "a strong read through the other gateway right after the ack");
      }
    }
  }

  @Test
  void aReplicaAnswersWithItsLogPositionAndWaitsForTheOneItIsGiven() {
    api.put("positioned", "p");
    Api replica = Cluster.api(replicas.getFirst());
    Api.Response own = replica.send("GET", Api.kv("positioned") + "?consistency=strong", null);
    assertEquals(200, own.status(), own.toString());
    long position = Long.parseLong(own.header("X-ObjectKV-Log-Position"));
    assertTrue(position > 0, "the position of a state that holds a write: " + position);
    Api.Response given = strongFrom(replica, "", Long.toString(position));
    assertEquals("p", given.body(), given.toString());
    assertTrue(Long.parseLong(given.header("X-ObjectKV-Log-Position")) >= position);
    Api.Response absent = replica.send("GET", Api.kv("never-written"), null);
    assertEquals(404, absent.status());
    assertNotNull(absent.header("X-ObjectKV-Log-Position"));
    // Given a position the log has not reached, the replica waits for it, not for its own lookup.
    Api.Response ahead = strongFrom(replica, "&timeoutMs=200", Long.toString(position + 1_000_000));
    assertEquals(504, ahead.status(), ahead.toString());
    assertEquals(400, strongFrom(replica, "", "-1").status());
  }

  /** A strong read of "positioned" whose barrier the caller checks, as a gateway sends it. */
  private static Api.Response strongFrom(Api replica, String moreQuery, String minPosition) {
    return replica.send(
        "GET",
        Api.kv("positioned") + "?consistency=strong" + moreQuery,
        null,
        "X-ObjectKV-Min-Log-Position",
        minPosition);
  }

  @Test
  void multiGetKeepsOrderAcrossReplicas() {
    long v = 0;
    for (int i = 0; i < 30; i++) {
      v = api.put("mg-" + i, "v" + i).version();
    }
    StringBuilder keys = new StringBuilder();
    for (int i = 0; i < 35; i++) {
      keys.append(i == 0 ? "" : ",").append("\"mg-").append(i).append('"');
    }
    Api.Response r =
        api.send("POST", "/v1/get?minVersion=" + v, ("{\"keys\": [" + keys + "]}").getBytes());
    assertEquals(200, r.status(), r.toString());
    JsonNode items = r.json().get("items");
    assertEquals(35, items.size());
    for (int i = 0; i < 35; i++) {
      JsonNode item = items.get(i);
      assertEquals("mg-" + i, item.get("key").asText());
      if (i < 30) {
        assertEquals("v" + i, item.get("value").asText());
        assertTrue(item.get("version").asLong() > 0);
      } else {
        assertEquals(false, item.get("found").asBoolean());
      }
    }
    assertNotNull(r.header("X-ObjectKV-Applied-Version"));
  }

  @Test
  void scansHonourPrefixRangeLimitCursorAndReverse() {
    TreeMap<String, String> model = new TreeMap<>();
    long v = 0;
    // many small groups: many L0 objects
    for (int i = 0; i < 60; i++) {
      String k = String.format("scan/%03d", i);
      v = api.put(k, "v" + i).version();
      model.put(k, "v" + i);
    }
    for (int i = 0; i < 60; i += 7) {
      String k = String.format("scan/%03d", i);
      v = api.delete(k).version();
      model.remove(k);
    }
    api.put("scan0", "outside the prefix");
    api.put("scam", "outside the prefix");
    v = api.put("scan/010", "overwritten").version();
    model.put("scan/010", "overwritten");

    assertEquals(List.copyOf(model.keySet()), scanAll("prefix=scan%2F&minVersion=" + v, 7));
    List<String> reversed = new ArrayList<>(model.descendingKeySet());
    assertEquals(reversed, scanAll("prefix=scan%2F&reverse=true&minVersion=" + v, 5));
    assertEquals(
        List.copyOf(model.subMap("scan/020", "scan/040").keySet()),
        scanAll("start=scan%2F020&end=scan%2F040&minVersion=" + v, 4));
    assertEquals(
        List.copyOf(model.subMap("scan/020", true, "scan/040", false).descendingKeySet()),
        scanAll("start=scan%2F020&end=scan%2F040&reverse=true&minVersion=" + v, 100));
    Api.Response page = api.send("GET", "/v1/kv?prefix=scan%2F&limit=3&minVersion=" + v, null);
    JsonNode first = page.json().get("items").get(0);
    assertEquals("scan/001", first.get("key").asText());
    assertEquals("v1", first.get("value").asText());
    assertTrue(first.get("version").asLong() > 0);
    assertEquals(400, api.send("GET", "/v1/kv?limit=0", null).status());
    assertEquals(400, api.send("GET", "/v1/kv?limit=10001", null).status());
    assertEquals(400, api.send("GET", "/v1/kv?cursor=nonsense!", null).status());
    Api.Response none = api.send("GET", "/v1/kv?prefix=nothing-here", null);
    assertEquals(0, none.json().get("items").size());
    assertTrue(none.json().get("cursor").isNull());
  }

  /** Follows cursors to the end, checking each page's size. */
  private static List<String> scanAll(String query, int limit) {
    List<String> keys = new ArrayList<>();
    String cursor = null;
    do {
      Api.Response r =
          api.send(
              "GET",
              "/v1/kv?" + query + "&limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor),
              null);
      assertEquals(200, r.status(), r.toString());
      JsonNode items = r.json().get("items");
      assertTrue(items.size() <= limit);
      items.forEach(i -> keys.add(i.get("key").asText()));
      cursor = r.json().get("cursor").isNull() ? null : r.json().get("cursor").asText();
      if (cursor != null) {
        assertEquals(limit, items.size(), "a page with a cursor is full");
      }
    } while (cursor != null);
    return keys;
  }

  @Test
  void binaryKeysAndValuesComeBackAsBase64() {
    byte[] key = {'b', 'i', 'n', (byte) 0xFF};
    long v = api.send("PUT", Api.kv(key), new byte[] {(byte) 0xC3, 0x28}).version();
    Api.Response r = api.send("GET", "/v1/kv?prefix=bin&minVersion=" + v, null);
    JsonNode item = r.json().get("items").get(0);
    assertEquals(java.util.Base64.getEncoder().encodeToString(key), item.get("keyBase64").asText());
    assertEquals("Ymlu/w==", item.get("keyBase64").asText());
    assertEquals("wyg=", item.get("valueBase64").asText());
  }

  @Test
  void aRestartedReplicaServesFromItsDiskCache(@TempDir Path dir) throws Exception {
    long v = 0;
    for (int i = 0; i < 50; i++) {
      v = api.put("warm-" + i, "value-" + i + "-" + "x".repeat(200)).version();
    }
    ReaderMain.Reader first = cluster.startReader(dir);
    Api direct = Cluster.api(first);
    for (int i = 0; i < 50; i++) {
      assertEquals(
          200, direct.send("GET", Api.kv("warm-" + i) + "?minVersion=" + v, null).status());
    }
    assertTrue(rangeGets(first) > 0, "the first run fetched blocks");
    cluster.stopReader(first);

    ReaderMain.Reader second = cluster.startReader(dir);
    Api again = Cluster.api(second);
    for (int i = 0; i < 50; i++) {
      Api.Response r = again.send("GET", Api.kv("warm-" + i) + "?minVersion=" + v, null);
      assertTrue(r.body().startsWith("value-" + i + "-"));
    }
    assertEquals(0, rangeGets(second), "every block (and SST tail) came from the disk cache");

    // Damage every cache file: each is detected, fetched again, and the answers stay right.
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".blk")).toList()) {
        byte[] b = Files.readAllBytes(f);
        b[b.length - 3] ^= 0x55;
        Files.write(f, b);
      }
    }
    cluster.stopReader(second);
    ReaderMain.Reader third = cluster.startReader(dir);
    Api damaged = Cluster.api(third);
    for (int i = 0; i < 50; i++) {
      Api.Response r = damaged.send("GET", Api.kv("warm-" + i) + "?minVersion=" + v, null);
      assertEquals(200, r.status(), r.toString());
      assertTrue(r.body().startsWith("value-" + i + "-"), r.body());
    }
    assertTrue(rangeGets(third) > 0, "damaged files were fetched again");
    assertTrue(third.metrics().counter("objectkv_reader_disk_cache_corrupt_total", "").get() > 0);
    cluster.stopReader(third);
    assertEquals(
        "value-3-" + "x".repeat(200),
        new String(
            api.send("GET", Api.kv("warm-3") + "?minVersion=" + v, null).bytes(),
            StandardCharsets.UTF_8));
  }

  private static double gauge(String metrics, String name) {
    var m = java.util.regex.Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
    assertTrue(m.find(), name + " in " + metrics);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void statusAndMetrics() {
    Api.Response s = api.send("GET", "/v1/status", null);
    assertEquals(200, s.status());
    assertTrue(s.json().has("manifestVersion"), s.toString());
    assertTrue(s.json().has("cacheHitRate"), s.toString());
    assertEquals(3, s.json().get("readers").size());
    Api.Response m = Cluster.api(replicas.getFirst()).send("GET", "/metrics", null);
    assertTrue(m.body().contains("objectkv_store_requests_total{type=\"range_get\"}"), m.body());
    assertTrue(m.body().contains("objectkv_reader_applied_version"));
    // Idle and caught up: nothing left to apply, and it was caught up within the last second.
    Poll.until(
        Duration.ofSeconds(10),
        "the reader to report no lag",
        () -> {
          String body = Cluster.api(replicas.getFirst()).send("GET", "/metrics", null).body();
          return gauge(body, "objectkv_reader_lag_records") == 0
              && gauge(body, "objectkv_reader_lag_seconds") < 1;
        });
  }
}
