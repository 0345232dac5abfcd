package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.cli.Main;
import io.objectkv.client.Consistency;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.chaos.ChaosCluster;
import io.objectkv.testkit.chaos.ChaosSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Databases (API.md v1.1) on a cluster of real processes: two writers, a compactor, two readers and
 * a gateway, each its own JVM. Databases are created, listed and dropped through the API, are
 * independent keyspaces with versions of their own, and a database's writes move to the other
 * writer when its active writer is killed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatabasesIT {
  private Path dir;
  private ChaosCluster cluster;
  private Api api;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "databases-");
    cluster =
        new ChaosCluster(
            dir,
            1,
            settings(),
            List.of(dir.resolve("reader-1-cache"), dir.resolve("reader-2-cache")));
    api = new Api(cluster.gateway().toString());
  }

  private static Map<String, String> settings() {
    Map<String, String> s = new java.util.HashMap<>(ChaosSettings.PROCESSES);
    s.put("OBJECTKV_WRITER_PARK_AFTER", "3s");
    return s;
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private Api.Response create(String db) {
    return api.send("PUT", "/v1/db/" + db, null);
  }

  @Test
  @Order(1)
  void databasesAreCreatedListedAndRefusedWhenMissing() {
    Api.Response first = create("alpha");
    assertEquals(201, first.status(), first.toString());
    assertEquals("alpha", first.json().get("name").asText());
    String createdAt = first.json().get("createdAt").asText();
    Api.Response again = create("alpha");
    assertEquals(200, again.status(), again.toString());
    assertEquals(createdAt, again.json().get("createdAt").asText());
    assertEquals(201, create("beta").status());

    Api.Response list = api.send("GET", "/v1/db", null);
    assertEquals(200, list.status(), list.toString());
    List<String> names = new ArrayList<>();
    list.json().get("databases").forEach(d -> names.add(d.get("name").asText()));
    assertTrue(names.containsAll(List.of("default", "alpha", "beta")), names.toString());

    for (String bad : List.of("Upper", "-dash", "a_b", "x".repeat(64))) {
      assertEquals(400, create(bad).status(), bad);
    }
    Api missing = api.in("nosuch");
    for (Api.Response r :
        List.of(
            missing.put("k", "v"),
            missing.get("k"),
            missing.batch("{\"ops\": [{\"op\": \"put\", \"key\": \"k\", \"value\": \"v\"}]}"),
            api.send("GET", "/v1/db/nosuch/kv?prefix=", null),
            api.send("DELETE", "/v1/db/nosuch", null))) {
      assertEquals(404, r.status(), r.toString());
      assertEquals("no_such_database", r.json().get("error").asText(), r.toString());
    }
    assertEquals(400, api.send("DELETE", "/v1/db/default", null).status());
  }

  @Test
  @Order(2)
  void databasesAreIndependentKeyspacesWithVersionsOfTheirOwn() {
    Map<String, Long> versions = new TreeMap<>();
    for (String db : List.of("default", "alpha", "beta")) {
      Api in = db.equals("default") ? api : api.in(db);
      for (int i = 0; i < 5; i++) {
        Api.Response r = in.put("shared/" + i, db + "-" + i);
        assertEquals(200, r.status(), db + ": " + r);
        versions.put(db, r.version());
      }
      // Conditions are per database too: the key exists in this one only once written here.
      assertEquals(
          412, in.put("shared/0", "again", "If-None-Match", "*").status(), db + " put-if-absent");
    }
    assertEquals(200, api.in("alpha").put("only-alpha", "a").status());
    for (String db : List.of("default", "alpha", "beta")) {
      Api in = db.equals("default") ? api : api.in(db);
      for (int i = 0; i < 5; i++) {
        Api.Response r =
            in.send("GET", in.path(Api.kv("shared/" + i)) + "?consistency=strong", null);
        assertEquals(200, r.status(), db + ": " + r);
        assertEquals(db + "-" + i, r.body());
      }
      Api.Response scan = in.send("GET", in.path("/v1/kv") + "?prefix=&consistency=strong", null);
      assertEquals(200, scan.status(), scan.toString());
      int expected = db.equals("alpha") ? 6 : 5;
      assertEquals(expected, scan.json().get("items").size(), db + ": " + scan);
      Api.Response multi =
          in.send(
              "POST",
              in.path("/v1/get") + "?consistency=strong",
              "{\"keys\": [\"shared/1\", \"only-alpha\"]}".getBytes(StandardCharsets.UTF_8),
              "Content-Type",
              "application/json");
      assertEquals(200, multi.status(), multi.toString());
      assertEquals(db + "-1", multi.json().get("items").get(0).get("value").asText());
      assertEquals(db.equals("alpha"), multi.json().get("items").get(1).has("value"), multi.body());
    }
    assertEquals(404, api.get("only-alpha").status());
    // Each database counts its own versions: the new ones are far below the default's.
    assertTrue(versions.get("alpha") < 20 && versions.get("beta") < 20, versions.toString());
    Api.Response status = api.send("GET", "/v1/db/alpha/status", null);
    assertEquals(200, status.status(), status.toString());
    assertTrue(status.json().get("appliedVersion").asLong() >= versions.get("alpha"));
  }

  /** Which writer process holds the database, if one says so, and in what role. */
  private String[] ownerOf(String db) {
    for (String w : List.of("writer-1", "writer-2")) {
      if (!cluster.isRunning(w)) {
        continue;
      }
      try {
        Api.Response r =
            new Api(cluster.uri(w).toString()).send("GET", "/v1/db/" + db + "/status", null);
        if (r.status() == 200) {
          return new String[] {w, r.json().get("role").asText()};
        }
      } catch (RuntimeException e) {
        // not answering
      }
    }
    return null;
  }

  @Test
  @Order(3)
  void aKilledWritersDatabasesMoveToTheOtherWriter() {
    Api alpha = api.in("alpha");
    String active =
        Poll.value(Duration.ofSeconds(30), "a writer holding alpha", () -> ownerOf("alpha"))[0];
    List<String> acknowledged = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Api.Response r = alpha.put("before-kill/" + i, "v" + i);
      assertEquals(200, r.status(), r.toString());
      acknowledged.add("before-kill/" + i);
    }
    cluster.kill(active);
    long killed = System.nanoTime();
    String body =
        "{\"requestId\": \"after-kill\", \"ops\": [{\"op\": \"put\", \"key\": \"after-kill\", \"value\": \"x\"}]}";
    Api.Response r;
    while ((r = alpha.batch(body)).status() != 200) {
      assertEquals(503, r.status(), r.toString());
      assertTrue(System.nanoTime() - killed < Duration.ofSeconds(60).toNanos(), "no failover");
    }
    long failoverMillis = (System.nanoTime() - killed) / 1_000_000;
    System.out.println(
        "DatabasesIT: database alpha took writes again "
            + failoverMillis
            + " ms after its writer was killed");
    String[] now = ownerOf("alpha");
    assertNotNull(now);
    assertNotEquals(active, now[0]);
    assertEquals("active", now[1]);
    for (String key : acknowledged) {
      Api.Response g = alpha.send("GET", alpha.path(Api.kv(key)) + "?consistency=strong", null);
      assertEquals(200, g.status(), key + ": " + g);
    }
    cluster.start(active);
  }

  @Test
  @Order(4)
  void aDroppedDatabaseIsGoneAndANewOneOfItsNameStartsEmpty() {
    Api beta = api.in("beta");
    assertEquals(200, beta.put("keep?", "no").status());
    Api.Response drop = api.send("DELETE", "/v1/db/beta", null);
    assertEquals(200, drop.status(), drop.toString());
    assertEquals(404, beta.get("shared/1").status());
    assertEquals(404, beta.put("x", "y").status());
    List<String> names = new ArrayList<>();
    api.send("GET", "/v1/db", null)
        .json()
        .get("databases")
        .forEach(d -> names.add(d.get("name").asText()));
    assertFalse(names.contains("beta"), names.toString());

    assertEquals(201, create("beta").status());
    Api.Response put =
        Poll.value(
            Duration.ofSeconds(60),
            "the new beta to take writes",
            () -> {
              Api.Response p = beta.put("fresh", "1");
              return p.status() == 200 ? p : null;
            });
    assertTrue(put.version() < 5, put.toString());
    Api.Response old =
        beta.send("GET", beta.path(Api.kv("shared/1")) + "?consistency=strong", null);
    assertEquals(404, old.status(), old.toString());
    JsonNode scan =
        beta.send("GET", beta.path("/v1/kv") + "?prefix=&consistency=strong", null).json();
    assertEquals(1, scan.get("items").size(), scan.toString());
  }

  @Test
  @Order(5)
  void anIdleDatabaseParksItsWriterFallsAsleepAndTheNextWriteWakesIt() throws Exception {
    assertEquals(201, create("sleepy").status());
    Api sleepy = api.in("sleepy");
    Api.Response first =
        Poll.value(
            Duration.ofSeconds(60),
            "sleepy to take writes",
            () -> {
              Api.Response p = sleepy.put("k", "1");
              return p.status() == 200 ? p : null;
            });
    String[] parked = awaitRole("sleepy", "parked");
    // Asleep: its write log is no longer fetched; the gateway's wake brings it back.
    assertEquals(parked[0], awaitRole("sleepy", "asleep")[0]);
    long start = System.nanoTime();
    Api.Response second = sleepy.put("k", "2");
    long wakeMillis = (System.nanoTime() - start) / 1_000_000;
    System.out.println("DatabasesIT: a write to a database asleep took " + wakeMillis + " ms");
    assertEquals(200, second.status(), second.toString());
    assertTrue(second.version() > first.version());
    assertEquals("active", ownerOf("sleepy")[1]);
    assertEquals(parked[0], ownerOf("sleepy")[0]);
    Api.Response read = sleepy.send("GET", sleepy.path(Api.kv("k")) + "?consistency=strong", null);
    assertEquals("2", read.body());

    // A record that comes without a wake (its gateway died after sending it) is still applied:
    // the writer looks at the ends of the write logs asleep once per park interval.
    awaitRole("sleepy", "asleep");
    appendWithoutWake("sleepy", "k", "3");
    Poll.value(
        Duration.ofSeconds(20),
        "the record sent without a wake to be applied",
        () -> {
          Api.Response r =
              sleepy.send("GET", sleepy.path(Api.kv("k")) + "?consistency=strong", null);
          return "3".equals(r.body()) ? r : null;
        });
  }

  private String[] awaitRole(String db, String role) {
    return Poll.value(
        Duration.ofSeconds(30),
        db + "'s writer to be " + role,
        () -> {
          String[] o = ownerOf(db);
          return o != null && o[1].equals(role) ? o : null;
        });
  }

  /** Appends a put to the database's write log as a gateway would, without its wake. */
  private void appendWithoutWake(String db, String key, String value) throws Exception {
    Map<String, Object> config = KafkaClients.producer(cluster.bootstrap(), "databases-it-no-wake");
    try (Admin admin = KafkaClients.admin(cluster.bootstrap());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
      String writeLog =
          admin.listTopics().names().get().stream()
              .filter(t -> t.contains(".db." + db + ".") && t.endsWith(".writes"))
              .findFirst()
              .orElseThrow();
      WriteBatch batch =
          new WriteBatch(
              List.of(
                  new Op.Put(
                      new Key(key.getBytes(StandardCharsets.UTF_8)),
                      value.getBytes(StandardCharsets.UTF_8),
                      Condition.NONE)),
              null);
      byte[] record =
          LogCodec.encode(
              new LogCommand.ClientBatch(
                  "databases-it", 1, System.currentTimeMillis() + 60_000, batch));
      producer.send(new ProducerRecord<>(writeLog, 0, null, record)).get();
    }
  }

  @Test
  @Order(6)
  void theJavaClientAndTheCliTakeADatabase() {
    String url = cluster.gateway().toString();
    try (ObjectKvClient admin = ObjectKvClient.connect(url);
        ObjectKvClient gamma = ObjectKvClient.builder(url).database("gamma").build()) {
      assertTrue(admin.createDatabase("gamma"));
      assertFalse(admin.createDatabase("gamma"));
      assertTrue(admin.databases().contains("gamma"), admin.databases().toString());
      long v = gamma.put("client-key", "in gamma");
      assertEquals(
          "in gamma", gamma.get("client-key", Consistency.strong()).orElseThrow().valueString());
      assertTrue(admin.get("client-key").isEmpty());
      assertTrue(v < 5);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    assertEquals(0, Main.run(List.of("db", "create", "delta", "--url", url), o, e), err.toString());
    assertEquals(
        0, Main.run(List.of("put", "cli-key", "in delta", "--db", "delta", "--url", url), o, e));
    out.reset();
    assertEquals(
        0,
        Main.run(
            List.of("get", "cli-key", "--db", "delta", "--strong", "--raw", "--url", url), o, e),
        err.toString());
    assertEquals("in delta", out.toString(StandardCharsets.UTF_8).strip());
    assertEquals(1, Main.run(List.of("get", "cli-key", "--strong", "--url", url), o, e));
    assertEquals(4, Main.run(List.of("get", "cli-key", "--db", "nosuch", "--url", url), o, e));
    assertEquals(2, Main.run(List.of("get", "cli-key", "--db", "Bad_Name", "--url", url), o, e));
    out.reset();
    assertEquals(0, Main.run(List.of("db", "list", "--url", url), o, e));
    assertTrue(
        out.toString(StandardCharsets.UTF_8).lines().toList().contains("delta"), out.toString());
    assertEquals(0, Main.run(List.of("db", "drop", "delta", "--url", url), o, e));
    assertEquals(4, Main.run(List.of("get", "cli-key", "--db", "delta", "--url", url), o, e));
  }
}
