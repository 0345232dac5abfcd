package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.client.Batch;
import io.objectkv.client.ConditionFailedException;
import io.objectkv.client.Consistency;
import io.objectkv.client.KeyValue;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.Precondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against a running cluster: the whole API, typed. */
class ClientIT {
  static Cluster cluster;
  static ObjectKvClient kv;
  static String base;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    cluster = new Cluster("client");
    cluster.startActiveWriter();
    cluster.startReader(dir.resolve("r1"));
    cluster.startReader(dir.resolve("r2"));
    Api api = cluster.startGateway();
    base = api.base();
    kv = ObjectKvClient.connect(base);
  }

  @AfterAll
  static void stop() throws Exception {
    kv.close();
    cluster.close();
  }

  @Test
  void conditionalWritesAndTypedFailures() {
    long v = kv.put("c/a", "1");
    ConditionFailedException e =
        assertThrows(
            ConditionFailedException.class, () -> kv.put("c/a", "2", Precondition.ifAbsent()));
    assertEquals("exists", e.reason());
    assertEquals(v, e.currentVersion());
    long v2 = kv.put("c/a", "2", Precondition.ifVersion(v));
    assertEquals(
        "absent",
        assertThrows(
                ConditionFailedException.class,
                () -> kv.put("c/none", "x", Precondition.ifExists()))
            .reason());
    assertEquals(
        "value_mismatch",
        assertThrows(
                ConditionFailedException.class,
                () -> kv.put("c/a", "3", Precondition.ifValue("1".getBytes())))
            .reason());
    KeyValue got = kv.get("c/a", Consistency.atLeast(v2)).orElseThrow();
    assertEquals("2", got.valueString());
    assertEquals(v2, got.version());
    kv.delete("c/a".getBytes(), Precondition.ifExists());
    assertEquals(Optional.empty(), kv.get("c/a", Consistency.strong()));
  }

  /** The command line: JSON lines loaded in batches with progress, and --json answers. */
  @Test
  void cliLoadsJsonLinesAndAnswersInJson() throws Exception {
    Path file = dir.resolve("load.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      lines.add("{\"key\": \"load/" + i + "\", \"value\": \"v" + i + "\"}");
    }
    lines.add("");
    lines.add("{\"keyBase64\": \"AP8=\", \"valueBase64\": \"AQI=\"}");
    Files.write(file, lines);
    Cli load = Cli.run("load", file.toString(), "--json", "--url", base);
    assertEquals(0, load.code(), load.toString());
    assertTrue(load.out().contains("\"ops\": 1201"), load.out());
    assertTrue(load.out().contains("\"batches\": 3"), load.out());
    assertTrue(load.err().contains("1,201/1,201 ops (100%)"), load.err());
    assertEquals("v1199", kv.get("load/1199", Consistency.strong()).orElseThrow().valueString());

    Cli get = Cli.run("get", "load/7", "--strong", "--json", "--url", base);
    assertEquals(0, get.code(), get.toString());
    assertTrue(
        get.out().startsWith("{\"key\": \"load/7\", \"value\": \"v7\", \"version\": "), get.out());
    Cli put = Cli.run("put", "load/7", "w", "--if-absent", "--json", "--url", base);
    assertEquals(3, put.code(), put.toString());
    assertTrue(
        put.out().startsWith("{\"error\": \"condition_failed\", \"reason\": \"exists\""),
        put.out());
    Cli missing = Cli.run("get", "load/none", "--json", "--url", base);
    assertEquals(1, missing.code());
    assertEquals("{\"error\": \"not_found\"}", missing.out().strip());

    Files.write(file, List.of("{\"key\": \"ok\", \"value\": \"1\"}", "{\"key\": oops}"));
    Cli bad = Cli.run("load", file.toString(), "--url", base);
    assertEquals(2, bad.code(), bad.toString());
    assertTrue(bad.err().contains("load.jsonl:2:"), bad.err());

    Files.write(file, List.of("{\"key\": \"load/1\", \"value\": \"x\", \"if\": \"absent\"}"));
    Cli refused = Cli.run("load", file.toString(), "--url", base);
    assertEquals(3, refused.code(), refused.toString());
    assertTrue(refused.err().contains("lines 1-1"), refused.err());
    assertEquals("v1", kv.get("load/1", Consistency.strong()).orElseThrow().valueString());
  }

  /** One run of the command line in this JVM. */
  record Cli(int code, String out, String err) {
    static Cli run(String... args) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      int code =
          io.objectkv.cli.Main.run(
              List.of(args),
              new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
              new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
      return new Cli(
          code,
          out.toString(java.nio.charset.StandardCharsets.UTF_8),
          err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Keys of any bytes, NUL and non-UTF-8 too, go by path and come back. */
  @Test
  void keysOfAnyBytes() {
    for (byte[] key : new byte[][] {{0}, {'a', 0, 'b'}, {0, (byte) 0xFF, '/', 0}}) {
      long v = kv.put(key, key, Precondition.none());
      KeyValue got = kv.get(key, Consistency.strong()).orElseThrow();
      assertEquals(v, got.version());
      assertArrayEquals(key, got.value());
    }
  }

  @Test
  void batchesAreAtomicAndRetriesAreIdempotent() {
    long v =
        kv.write(
            Batch.create()
                .put("b/x", "1")
                .put("b/y", "2", Precondition.ifAbsent())
                .check("b/z", Precondition.ifAbsent()));
    ConditionFailedException e =
        assertThrows(
            ConditionFailedException.class,
            () ->
                kv.write(
                    Batch.create()
                        .put("b/w", "never")
                        .check("b/x", Precondition.ifValue("nope".getBytes()))));
    assertEquals(1, e.index());
    assertEquals(Optional.empty(), kv.get("b/w", Consistency.strong()));
    long first = kv.write(Batch.create().put("b/x", "retried").requestId("same-id"));
    long second = kv.write(Batch.create().put("b/x", "not applied").requestId("same-id"));
    assertEquals(first, second, "a retry with the same request id gets the first outcome");
    assertEquals("retried", kv.get("b/x", Consistency.strong()).orElseThrow().valueString());
    assertTrue(first > v);
  }

  @Test
  void multiGetAndScansAsIterators() {
    long v = 0;
    for (int i = 0; i < 250; i++) {
      v = kv.put(String.format("s/%03d", i), "v" + i);
    }
    List<Optional<KeyValue>> got =
        kv.getAll(
            List.of("s/001".getBytes(), "s/nope".getBytes(), "s/249".getBytes()),
            Consistency.atLeast(v));
    assertEquals("v1", got.get(0).orElseThrow().valueString());
    assertTrue(got.get(1).isEmpty());
    assertEquals("v249", got.get(2).orElseThrow().valueString());
    List<String> keys = new ArrayList<>();
    kv.scan(ObjectKvClient.Scan.prefix("s/").pageSize(40).with(Consistency.atLeast(v)))
        .forEachRemaining(e -> keys.add(e.keyString()));
    assertEquals(250, keys.size());
    assertEquals("s/000", keys.getFirst());
    List<String> reverse = new ArrayList<>();
    kv.scan(
            ObjectKvClient.Scan.range("s/100", "s/110")
                .reversed()
                .pageSize(3)
                .with(Consistency.strong()))
        .forEachRemaining(e -> reverse.add(e.keyString()));
    assertEquals(
        List.of(
            "s/109", "s/108", "s/107", "s/106", "s/105", "s/104", "s/103", "s/102", "s/101",
            "s/100"),
        reverse);
    assertTrue(kv.status().containsKey("manifestVersion"));
  }
}
