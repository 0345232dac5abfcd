package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every write row of API.md, through a gateway and a writer, checked against what S3 holds. */
class WritePathIT {
  static Cluster cluster;
  static Api api;
  static Inspector db;

  @BeforeAll
  static void start() {
    cluster = new Cluster("writes");
    cluster.startActiveWriter();
    api = cluster.startGateway();
    db = cluster.inspector();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static void assertConditionFailed(
      Api.Response r, int status, String reason, Long currentVersion) {
    assertEquals(status, r.status(), r.toString());
    JsonNode j = r.json();
    assertEquals("condition_failed", j.get("error").asText(), r.toString());
    assertEquals(reason, j.get("reason").asText(), r.toString());
    if (currentVersion == null) {
      assertTrue(j.get("currentVersion").isNull(), r.toString());
    } else {
      assertEquals(currentVersion.longValue(), j.get("currentVersion").asLong(), r.toString());
    }
    assertTrue(j.get("message").asText().length() > 0);
  }

  /**
   * Bytes that are not UTF-8, NUL bytes, escapes of reserved characters and the longest keys go
   * through the path (ReadPathIT reads such keys back through the gateway and the replicas).
   */
  @Test
  void pathKeysCarryAnyBytes() {
    for (String encoded :
        java.util.List.of(
            "%FF%FE%80",
            "%2F%25%3F%23",
            "%E2%82%AC",
            "%00",
            "a%00b%00",
            "%00%FF%2F",
            "%C3".repeat(4096),
            "%00".repeat(4096))) {
      String label = encoded.substring(0, Math.min(24, encoded.length()));
      Api.Response put = api.send("PUT", "/v1/kv/" + encoded, "v".getBytes());
      assertEquals(200, put.status(), label + ": " + put.body());
      byte[] key = io.objectkv.runtime.http.PathKeys.decode(encoded);
      io.objectkv.format.Entry e = db.view().get(key);
      assertEquals(put.json().get("version").asLong(), e.version(), label);
      assertEquals("v", new String(e.value()), label);
    }
  }

  @Test
  void putAnswersTheVersionAsBodyAndETag() {
    Api.Response r = api.put("plain", "v1");
    assertEquals(200, r.status(), r.toString());
    long v = r.version();
    assertEquals("\"" + v + "\"", r.header("ETag"));
    assertEquals("v1", db.value("plain"));
    long v2 = api.put("plain", "v2").version();
    assertTrue(v2 > v, "versions only grow");
    assertEquals("v2", db.value("plain"));
  }

  @Test
  void putIfAbsent() {
    long v = api.put("pia", "first", "If-None-Match", "*").version();
    assertConditionFailed(api.put("pia", "second", "If-None-Match", "*"), 412, "exists", v);
    assertEquals("first", db.value("pia"));
  }

  @Test
  void updateIfExists() {
    assertConditionFailed(api.put("uie", "x", "If-Match", "*"), 412, "absent", null);
    assertNull(db.value("uie"));
    api.put("uie", "a");
    assertEquals(200, api.put("uie", "b", "If-Match", "*").status());
    assertEquals("b", db.value("uie"));
  }

  @Test
  void compareAndSetOnVersion() {
    long v = api.put("cas", "1").version();
    assertConditionFailed(
        api.put("cas", "2", "If-Match", "\"" + (v + 1000) + "\""), 412, "version_mismatch", v);
    long v2 = api.put("cas", "2", "If-Match", "\"" + v + "\"").version();
    assertConditionFailed(
        api.put("cas", "3", "If-Match", "\"" + v + "\""), 412, "version_mismatch", v2);
    assertEquals("2", db.value("cas"));
    assertConditionFailed(api.put("cas-none", "x", "If-Match", "\"5\""), 412, "absent", null);
  }

  @Test
  void anEmptyBodyDeletes() {
    api.put("emptydel", "x");
    Api.Response r = api.send("PUT", Api.kv("emptydel"), new byte[0]);
    assertEquals(200, r.status(), r.toString());
    assertNull(db.value("emptydel"));
  }

  @Test
  void deletes() {
    assertEquals(200, api.delete("never-there").status(), "deleting an absent key is still 200");
    assertConditionFailed(api.delete("del-if", "If-Match", "*"), 412, "absent", null);
    long v = api.put("del-if", "x").version();
    assertConditionFailed(
        api.delete("del-if", "If-Match", "\"" + (v + 1) + "\""), 412, "version_mismatch", v);
    assertEquals("x", db.value("del-if"));
    long d = api.delete("del-if", "If-Match", "\"" + v + "\"").version();
    assertTrue(d > v);
    assertNull(db.value("del-if"));
    api.put("del-star", "y");
    assertEquals(200, api.delete("del-star", "If-Match", "*").status());
    assertNull(db.value("del-star"));
  }

  @Test
  void anyKeyBytesWork() {
    byte[] key = {(byte) 0xFF, '/', '%', ' ', 1, (byte) 0x80};
    Api.Response r = api.send("PUT", Api.kv(key), "bin".getBytes());
    assertEquals(200, r.status(), r.toString());
    assertEquals("bin", new String(db.view().get(key).value(), StandardCharsets.UTF_8));
  }

  @Test
  void batchWithEveryOpAndCondition() {
    long vd = api.put("b-d", "old-d").version();
    api.put("b-e", "old").version();
    api.put("b-c", "old-c");
    api.put("b-f", "old-f");
    Api.Response r =
        api.batch(
            """
            {"ops": [
              {"op": "put",    "key": "b-a", "value": "1"},
              {"op": "put",    "key": "b-b", "value": "2", "if": "absent"},
              {"op": "put",    "key": "b-c", "value": "3", "if": "exists"},
              {"op": "put",    "key": "b-d", "value": "4", "ifVersion": %d},
              {"op": "put",    "key": "b-e", "value": "5", "ifValue": "old"},
              {"op": "delete", "key": "b-f", "if": "exists"},
              {"op": "check",  "key": "b-g", "if": "absent"},
              {"op": "put",    "keyBase64": "Yi1o", "valueBase64": "/wA="}
            ]}
            """
                .formatted(vd));
    assertEquals(200, r.status(), r.toString());
    long v = r.version();
    assertEquals("1", db.value("b-a"));
    assertEquals("2", db.value("b-b"));
    assertEquals("3", db.value("b-c"));
    assertEquals("4", db.value("b-d"));
    assertEquals("5", db.value("b-e"));
    assertNull(db.value("b-f"));
    assertNull(db.value("b-g"), "a check writes nothing");
    var h = db.view().get("b-h".getBytes());
    assertEquals(v, h.version(), "every key of the batch has the batch's version");
    assertEquals(2, h.value().length);
    // The versions written are the batch's: a CAS on it works.
    assertEquals(200, api.put("b-a", "again", "If-Match", "\"" + v + "\"").status());
  }

  @Test
  void earlyAbortLeavesNoTrace() {
    long vx = api.put("ea-x", "exists").version();
    Api.Response r =
        api.batch(
            """
            {"ops": [
              {"op": "put", "key": "ea-1", "value": "a"},
              {"op": "delete", "key": "ea-x"},
              {"op": "put", "key": "ea-x", "value": "b", "if": "absent"},
              {"op": "put", "key": "ea-1", "value": "c", "if": "exists"},
              {"op": "put", "key": "ea-3", "value": "d"}
            ]}
            """);
    assertEquals(200, r.status(), "the delete makes ea-x absent for the next op: " + r);
    Api.Response abort =
        api.batch(
            """
            {"ops": [
              {"op": "put", "key": "ea-4", "value": "a"},
              {"op": "put", "key": "ea-x", "value": "z", "ifValue": "wrong"},
              {"op": "put", "key": "ea-5", "value": "never evaluated", "ifVersion": 999999}
            ]}
            """);
    assertConditionFailed(abort, 409, "value_mismatch", r.version());
    assertEquals(1, abort.json().get("index").asInt());
    assertEquals("ea-x", abort.json().get("key").asText());
    assertNull(db.value("ea-4"), "nothing of an aborted batch is written");
    assertEquals("b", db.value("ea-x"));
    assertTrue(vx < r.version());
  }

  @Test
  void batchConditionsSeeEarlierOps() {
    Api.Response r =
        api.batch(
            """
            {"ops": [
              {"op": "put", "key": "seq", "value": "1", "if": "absent"},
              {"op": "put", "key": "seq", "value": "2", "ifValue": "1"},
              {"op": "check", "key": "seq", "ifValue": "2"},
              {"op": "delete", "key": "seq", "if": "exists"},
              {"op": "check", "key": "seq", "if": "absent"}
            ]}
            """);
    assertEquals(200, r.status(), r.toString());
    assertNull(db.value("seq"));
  }

  @Test
  void retriedRequestIdsGetTheFirstOutcome() {
    String body =
        "{\"requestId\": \"rid-1\", \"ops\": [{\"op\": \"put\", \"key\": \"idem\", \"value\": \"first\"}]}";
    long v = api.batch(body).version();
    Api.Response again =
        api.batch(
            "{\"requestId\": \"rid-1\", \"ops\": [{\"op\": \"put\", \"key\": \"idem\", \"value\": \"second\"}]}");
    assertEquals(200, again.status());
    assertEquals(v, again.version(), "the retry is answered with the first outcome");
    assertEquals("first", db.value("idem"), "and not applied again");
    String failing =
        "{\"requestId\": \"rid-2\", \"ops\": [{\"op\": \"put\", \"key\": \"idem\", \"value\": \"x\", \"if\": \"absent\"}]}";
    Api.Response f1 = api.batch(failing);
    assertConditionFailed(f1, 409, "exists", v);
    api.delete("idem");
    Api.Response f2 = api.batch(failing);
    assertConditionFailed(f2, 409, "exists", v);
    assertNull(db.value("idem"), "a failed request retried is not re-evaluated");
    long pv = api.put("idem-h", "a", "Idempotency-Key", "k-1").version();
    assertEquals(pv, api.put("idem-h", "b", "Idempotency-Key", "k-1").version());
    assertEquals("a", db.value("idem-h"));
  }

  @Test
  void malformedRequestsAre400AndChangeNothing() {
    String[] bad = {
      "not json",
      "[]",
      "{}",
      "{\"ops\": []}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"upsert\", \"key\": \"m\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\", \"ifversion\": 3}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\", \"if\": \"maybe\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\", \"if\": \"absent\", \"ifVersion\": 1}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\", \"ifVersion\": -1}]}",
      "{\"ops\": [{\"op\": \"check\", \"key\": \"m\"}]}",
      "{\"ops\": [{\"op\": \"delete\", \"key\": \"m\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"keyBase64\": \"!!\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": 5}]}",
      "{\"requestId\": 5, \"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\"}]}",
      "{\"ops\": [{\"op\": \"put\", \"key\": \"m\", \"value\": \"v\"}], \"extra\": 1}"
    };
    for (String b : bad) {
      Api.Response r = api.batch(b);
      assertEquals(400, r.status(), b + " -> " + r);
      assertEquals("bad_request", r.json().get("error").asText(), b);
    }
    assertEquals(400, api.put("m", "v", "If-Match", "bogus").status());
    assertEquals(400, api.put("m", "v", "If-None-Match", "\"3\"").status());
    assertEquals(400, api.put("m", "v", "If-Match", "*", "If-None-Match", "*").status());
    assertEquals(404, api.send("GET", "/v1/nothing", null).status());
    assertEquals(405, api.send("PATCH", "/v1/batch", null).status());
    assertNull(db.value("m"), "no bad request wrote anything");
  }

  @Test
  void oversizedRequestsAre413() {
    String bigKey = "k".repeat(4097);
    assertEquals(413, api.put(bigKey, "v").status());
    assertEquals(200, api.put("k".repeat(4096), "v").status(), "4096 bytes is allowed");
    byte[] bigValue = new byte[(1 << 20) + 1];
    assertEquals(413, api.send("PUT", Api.kv("bigvalue"), bigValue).status());
    assertEquals(
        200, api.send("PUT", Api.kv("maxvalue"), new byte[1 << 20]).status(), "1 MiB is allowed");
    StringBuilder ops = new StringBuilder("{\"ops\": [");
    for (int i = 0; i < 1001; i++) {
      ops.append(i == 0 ? "" : ",")
          .append("{\"op\": \"put\", \"key\": \"o")
          .append(i)
          .append("\", \"value\": \"v\"}");
    }
    Api.Response tooMany = api.batch(ops.append("]}").toString());
    assertEquals(413, tooMany.status(), tooMany.toString());
    assertEquals("too_large", tooMany.json().get("error").asText());
    String hugeBatch =
        "{\"ops\": [{\"op\": \"put\", \"key\": \"h\", \"value\": \""
            + "x".repeat(5 << 20)
            + "\"}]}";
    assertEquals(413, api.batch(hugeBatch).status());
    assertEquals(
        413,
        api.batch("{\"ops\": [{\"op\": \"put\", \"key\": \"" + bigKey + "\", \"value\": \"v\"}]}")
            .status());
    assertNull(db.value("o1"));
    assertNull(db.value("bigvalue"));
  }
}
