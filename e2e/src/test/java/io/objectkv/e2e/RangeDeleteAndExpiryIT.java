package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.client.ChangeEvent;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.Watch;
import io.objectkv.compactor.Compactor;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Range deletes and expiring values end to end: through the gateway and the write log to the
 * writer, read back from two replicas, watched, and reclaimed by compaction.
 */
class RangeDeleteAndExpiryIT {
  @TempDir static Path dir;
  static Cluster cluster;
  static Api api;
  static ObjectKvClient kv;

  @BeforeAll
  static void start() {
    cluster = new Cluster("ranges");
    cluster.startActiveWriter();
    cluster.startReader(dir.resolve("r0"));
    cluster.startReader(dir.resolve("r1"));
    api = cluster.startGateway();
    kv = ObjectKvClient.connect(api.base());
  }

  @AfterAll
  static void stop() throws Exception {
    if (kv != null) {
      kv.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static final String STRONG = "?consistency=strong";

  private static Api.Response batch(String... ops) {
    return api.batch("{\"ops\": [" + String.join(", ", ops) + "]}");
  }

  private static String put(String key) {
    return "{\"op\": \"put\", \"key\": \"" + key + "\", \"value\": \"v-" + key + "\"}";
  }

  @Test
  void aPrefixDeleteRemovesEveryKeyInItAtOnceForEveryReadAndCondition() throws Exception {
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ops.add(put(String.format("p/%03d", i)));
    }
    ops.add(put("p")); // not under "p/"
    ops.add(put("p0")); // right after the range
    Api.Response loaded = batch(ops.toArray(String[]::new));
    assertEquals(200, loaded.status());
    try (Watch watch = kv.watch(ObjectKvClient.Scan.prefix("p"), loaded.version() + 1)) {
      Api.Response deleted = api.send("DELETE", "/v1/kv?prefix=p%2F", null);
      assertEquals(200, deleted.status(), deleted.toString());
      long version = deleted.version();

      assertEquals(404, strongGet("p/005"));
      assertEquals(404, strongGet("p/199"));
      assertEquals(200, strongGet("p"));
      assertEquals(200, strongGet("p0"));
      JsonNode scan = api.send("GET", "/v1/kv?prefix=p%2F&consistency=strong", null).json();
      assertEquals(0, scan.get("items").size(), scan.toString());
      JsonNode all = api.send("GET", "/v1/kv?prefix=p&consistency=strong", null).json();
      assertEquals(2, all.get("items").size(), "p and p0 remain: " + all);
      JsonNode multi =
          api.send(
                  "POST",
                  "/v1/get" + STRONG,
                  "{\"keys\": [\"p/001\", \"p\"]}".getBytes(StandardCharsets.UTF_8))
              .json();
      assertFalse(multi.get("items").get(0).get("found").asBoolean(true), multi.toString());
      assertEquals("v-p", multi.get("items").get(1).get("value").asText());

      // Conditions see the keys gone; a later write to one of them stands.
      assertEquals(
          200,
          batch("{\"op\": \"check\", \"key\": \"p/007\", \"if\": \"absent\"}", put("p/010"))
              .status());
      assertEquals(200, strongGet("p/010"));
      Api.Response exists = api.put("p/011", "x", "If-Match", "*");
      assertEquals(412, exists.status(), exists.toString());

      ChangeEvent event = watch.next();
      assertEquals(version, event.version());
      assertEquals(List.of(), event.changes());
      assertEquals(
          List.of(new ChangeEvent.DeletedRange(utf8("p/"), utf8("p0"))), event.deletedRanges());
      assertEquals("p/010", watch.next().changes().getFirst().keyString());
    }
  }

  @Test
  void laterOpsOfABatchSeeItsRangeDeleteAndItsEarlierWritesGoWithIt() {
    Api.Response r =
        batch(
            put("r/1"),
            "{\"op\": \"deleteRange\", \"start\": \"r/\", \"end\": \"r0\"}",
            "{\"op\": \"check\", \"key\": \"r/1\", \"if\": \"absent\"}",
            put("r/2"));
    assertEquals(200, r.status(), r.toString());
    assertEquals(404, strongGet("r/1"));
    assertEquals(200, strongGet("r/2"));
    Api.Response failed =
        batch(
            "{\"op\": \"deleteRange\", \"prefix\": \"r/\"}",
            "{\"op\": \"check\", \"key\": \"r/2\", \"if\": \"exists\"}");
    assertEquals(409, failed.status(), failed.toString());
    assertEquals(200, strongGet("r/2"), "nothing of a failed batch is applied");
  }

  /**
   * A range to the end of the keyspace (a prefix of 0xFF bytes) ends one byte past the longest key:
   * a replica that boots afterwards must still read the manifest that records it.
   */
  @Test
  void aRangeToTheEndOfTheKeyspaceAndAReplicaThatBootsAfterIt() {
    byte[] high = {(byte) 0xFF, (byte) 0xFF, 'x'};
    assertEquals(200, api.send("PUT", Api.kv(high), utf8("top")).status());
    Api.Response deleted = api.send("DELETE", "/v1/kv?prefix=%FF%FF", null);
    assertEquals(200, deleted.status(), deleted.toString());
    assertEquals(404, api.send("GET", Api.kv(high) + STRONG, null).status());
    ReaderMain.Reader late = cluster.startReader(dir.resolve("late"));
    Api replica = new Api("http://127.0.0.1:" + late.port());
    Api.Response r = replica.send("GET", Api.kv(high) + "?minVersion=" + deleted.version(), null);
    assertEquals(404, r.status(), "the new replica follows the log past the range: " + r);
    long applied = replica.send("GET", "/v1/status", null).json().get("appliedVersion").asLong();
    assertTrue(applied >= deleted.version(), "applied " + applied);
  }

  @Test
  void badRangeDeletesAreRefusedAndChangeNothing() {
    assertEquals(200, api.put("b/1", "x").status());
    for (String path :
        List.of(
            "/v1/kv",
            "/v1/kv?start=b%2F",
            "/v1/kv?start=b%2F2&end=b%2F1",
            "/v1/kv?start=b&end=b",
            "/v1/kv?prefix=b&start=a&end=c",
            "/v1/kv?prefix=b&limit=3")) {
      Api.Response r = api.send("DELETE", path, null);
      assertEquals(400, r.status(), path + ": " + r);
    }
    for (String op :
        List.of(
            "{\"op\": \"deleteRange\"}",
            "{\"op\": \"deleteRange\", \"prefix\": \"b\", \"key\": \"b\"}",
            "{\"op\": \"deleteRange\", \"prefix\": \"b\", \"if\": \"exists\"}",
            "{\"op\": \"put\", \"key\": \"b/2\", \"value\": \"x\", \"prefix\": \"b\"}")) {
      Api.Response r = batch(op);
      assertEquals(400, r.status(), op + ": " + r);
    }
    assertEquals(200, strongGet("b/1"));
  }

  @Test
  void anExpiringValueIsThereUntilItsTimeThenAbsentForReadsAndConditions() {
    Instant before = Instant.now();
    Api.Response put = api.send("PUT", Api.kv("t/1") + "?ttlMs=1500", utf8("soon gone"));
    assertEquals(200, put.status(), put.toString());
    Api.Response got = api.send("GET", Api.kv("t/1") + STRONG, null);
    assertEquals(200, got.status());
    Instant expires = Instant.parse(got.header("ObjectKV-Expires-At"));
    assertTrue(
        !expires.isBefore(before.plusMillis(1400))
            && expires.isBefore(Instant.now().plusSeconds(3)),
        "expires 1.5 s after its commit: " + expires);
    JsonNode scan = api.send("GET", "/v1/kv?prefix=t%2F&consistency=strong", null).json();
    assertEquals(expires.toString(), scan.get("items").get(0).get("expiresAt").asText());
    assertEquals(
        412, api.put("t/1", "again", "If-None-Match", "*").status(), "it exists until then");

    Poll.until(Duration.ofSeconds(10), "t/1 to expire", () -> strongGet("t/1") == 404);
    JsonNode empty = api.send("GET", "/v1/kv?prefix=t%2F&consistency=strong", null).json();
    assertEquals(0, empty.get("items").size(), empty.toString());
    Api.Response again = api.put("t/1", "again", "If-None-Match", "*");
    assertEquals(200, again.status(), "put-if-absent succeeds on an expired key: " + again);
    assertEquals(200, strongGet("t/1"));
    assertEquals(null, api.get("t/1").header("ObjectKV-Expires-At"), "the new value never expires");

    Api.Response batchTtl =
        batch("{\"op\": \"put\", \"key\": \"t/2\", \"value\": \"x\", \"ttlMs\": 60000}");
    assertEquals(200, batchTtl.status(), batchTtl.toString());
    assertNotNull(api.send("GET", Api.kv("t/2") + STRONG, null).header("ObjectKV-Expires-At"));
  }

  @Test
  void badTtlsAreRefused() {
    for (String q : List.of("0", "-5", "abc", "3153600000001")) {
      Api.Response r = api.send("PUT", Api.kv("u/1") + "?ttlMs=" + q, utf8("x"));
      assertEquals(400, r.status(), q + ": " + r);
    }
    assertEquals(400, api.send("PUT", Api.kv("u/1") + "?ttlMs=100", new byte[0]).status());
    assertEquals(400, api.send("DELETE", Api.kv("u/1") + "?ttlMs=100", null).status());
    assertEquals(400, batch("{\"op\": \"delete\", \"key\": \"u/1\", \"ttlMs\": 100}").status());
    assertEquals(
        400,
        batch("{\"op\": \"put\", \"key\": \"u/1\", \"value\": \"x\", \"ttlMs\": \"100\"}")
            .status());
    assertEquals(404, strongGet("u/1"));
  }

  @Test
  void compactionReclaimsDeletedRangesAndExpiredValues() throws Exception {
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ops.add(put(String.format("c/%03d", i)));
    }
    ops.add("{\"op\": \"put\", \"key\": \"c/ttl\", \"value\": \"x\", \"ttlMs\": 1}");
    assertEquals(200, batch(ops.toArray(String[]::new)).status());
    assertEquals(200, api.send("DELETE", "/v1/kv?start=c%2F000&end=c%2F090", null).status());
    Compactor compactor =
        cluster.startCompactor(
            cluster
                .compactorConfig(dir.resolve("compactor"))
                .with(CompactionPolicy.eager(64, 1 << 20)),
            CompactionMerger.Step.NONE);
    try {
      Poll.until(
          Duration.ofSeconds(60),
          "L0 to be compacted",
          () -> cluster.inspector().manifest().l0().isEmpty());
      Manifest m = cluster.inspector().manifest();
      JsonNode live = api.send("GET", "/v1/kv?limit=10000&consistency=strong", null).json();
      assertEquals(
          live.get("items").size(),
          m.l1().stream().mapToLong(SstInfo::entryCount).sum(),
          "L1 holds the live keys only: no covered, expired or deleted entry");
      JsonNode c = api.send("GET", "/v1/kv?prefix=c%2F&consistency=strong", null).json();
      assertEquals(10, c.get("items").size(), c.toString());
    } finally {
      compactor.close();
    }
  }

  private static int strongGet(String key) {
    return api.send("GET", Api.kv(key) + STRONG, null).status();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
