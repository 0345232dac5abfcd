package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.client.ChangeEvent;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.Watch;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Watches end to end: the Java client through the gateway to reader replicas. */
class WatchIT {
  @TempDir Path dir;
  Cluster cluster;
  Api api;
  ObjectKvClient kv;

  private void start(int readers) {
    cluster = new Cluster("watch");
    cluster.env.put(ReaderMain.WATCH_HEARTBEAT.name(), "1s");
    cluster.startActiveWriter();
    for (int i = 0; i < readers; i++) {
      cluster.startReader(dir.resolve("r" + i));
    }
    api = cluster.startGateway();
    kv = ObjectKvClient.connect(api.base());
  }

  @AfterEach
  void stop() throws Exception {
    if (kv != null) {
      kv.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** "version key value" of every acknowledged write, written by {@code clients} at once. */
  private Map<Long, List<String>> writeConcurrently(int clients, int batchesEach, String prefix)
      throws Exception {
    Map<Long, List<String>> acked = new ConcurrentHashMap<>();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int client = c;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < batchesEach; i++) {
                    String key = prefix + (i % 4); // few keys: groups overwrite their own writes
                    String value = "c" + client + "-" + i;
                    if (i % 5 == 4) {
                      long v = kv.delete(key);
                      acked.put(v, List.of(key + " (deleted)"));
                    } else {
                      long v =
                          kv.write(
                              io.objectkv.client.Batch.create()
                                  .put(key, value)
                                  .put("elsewhere/" + client, value));
                      acked.put(v, List.of(key + " " + value));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
    return acked;
  }

  private static List<String> describe(ChangeEvent e) {
    return e.changes().stream()
        .map(c -> c.keyString() + (c.deleted() ? " (deleted)" : " " + c.valueString()))
        .toList();
  }

  /** Events until one at or past {@code last}, checking their order. */
  private static Map<Long, List<String>> collect(Watch w, long last) {
    Map<Long, List<String>> seen = new java.util.LinkedHashMap<>();
    long previous = -1;
    while (previous < last) {
      assertTrue(w.hasNext());
      ChangeEvent e = w.next();
      assertTrue(e.version() > previous, "version " + e.version() + " after " + previous);
      assertEquals(null, seen.put(e.version(), describe(e)), "event " + e.version() + " twice");
      previous = e.version();
    }
    return seen;
  }

  @Test
  void everyAcknowledgedWriteInTheRangeArrivesOnceInVersionOrder() throws Exception {
    start(2);
    try (Watch w = kv.watch(ObjectKvClient.Scan.prefix("w/"), -1)) {
      Map<Long, List<String>> acked = writeConcurrently(8, 40, "w/");
      long last = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      Map<Long, List<String>> seen = collect(w, last);
      assertEquals(new java.util.TreeMap<>(acked), new java.util.TreeMap<>(seen));
    }
  }

  @Test
  void aWatchResumesAfterAVersionAndRefusesNonsense() throws Exception {
    start(1);
    long v1 = api.put("r/a", "1").version();
    long v2 = api.put("r/b", "2").version();
    long v3 = api.delete("r/a").version();
    api.put("s/other", "x");
    try (Watch w = kv.watch(ObjectKvClient.Scan.prefix("r/"), v1)) {
      assertEquals(
          Map.of(v1, List.of("r/a 1"), v2, List.of("r/b 2"), v3, List.of("r/a (deleted)")),
          collect(w, v3));
    }
    // Raw SSE: Last-Event-ID wins over fromVersion, events carry their version as id, and a
    // quiet watch gets a heartbeat comment naming how far it got.
    Sse sse =
        Sse.open(api.base() + "/v1/watch?prefix=r/&fromVersion=" + v1, "Last-Event-ID", "" + v2);
    assertEquals(200, sse.status);
    assertEquals("text/event-stream", sse.contentType.split(";")[0]);
    assertEquals("id: " + v3, sse.next(line -> line.startsWith("id: ")));
    assertTrue(sse.next(line -> line.startsWith("data: ")).contains("\"deleted\":true"));
    assertTrue(sse.next(line -> line.startsWith(": through ")) != null, "heartbeat");
    sse.close();

    for (String bad :
        List.of("?fromVersion=-1", "?fromVersion=x", "?key=a&prefix=b", "?prefix=a&start=b")) {
      Api.Response r = api.send("GET", "/v1/watch" + bad, null);
      assertEquals(400, r.status(), bad + ": " + r);
    }
    assertEquals(400, api.send("GET", "/v1/watch", null, "Last-Event-ID", "nine").status());
  }

  @Test
  void aReplicaThatGoesAwayMidStreamCostsTheWatchNothing() throws Exception {
    start(2);
    try (Watch w = kv.watch(ObjectKvClient.Scan.prefix("k/"), -1)) {
      Map<Long, List<String>> acked = new java.util.TreeMap<>(writeConcurrently(4, 10, "k/"));
      long last = acked.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      Map<Long, List<String>> seen = new java.util.TreeMap<>(collect(w, last));
      // The replica whose feed runs serves the stream: stop it, and write on.
      ReaderMain.Reader serving =
          cluster.readers.stream()
              .filter(r -> r.sides().defaultSide().feed().oldest() >= 0)
              .findFirst()
              .orElseThrow();
      cluster.stopReader(serving);
      Map<Long, List<String>> more = writeConcurrently(4, 10, "k/");
      acked.putAll(more);
      last = more.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      for (Map.Entry<Long, List<String>> e : collect(w, last).entrySet()) {
        assertEquals(null, seen.put(e.getKey(), e.getValue()), "event " + e.getKey() + " twice");
      }
      assertEquals(acked, seen);
    }
  }

  @Test
  void historyThatCompactionTookAnswers410WithTheOldestVersionHeld() throws Exception {
    start(1);
    cluster.startCompactor(
        cluster.compactorConfig(dir.resolve("compactor")).with(CompactionPolicy.eager(64, 1 << 20)),
        CompactionMerger.Step.NONE);
    long first = api.put("h/a", "1").version();
    for (int i = 0; i < 6; i++) {
      api.put("h/" + i, "v" + i);
    }
    Poll.until(
        Duration.ofSeconds(60),
        "L0 compacted",
        () -> cluster.inspector().manifest().l0().isEmpty());
    // The replica that followed along still holds those changes in memory...
    try (Sse held = Sse.open(api.base() + "/v1/watch?prefix=h/&fromVersion=" + first)) {
      assertEquals(200, held.status);
      assertEquals("id: " + first, held.next(line -> line.startsWith("id: ")));
    }
    // ...a replica started after the compaction never saw them: it says where it can start.
    ReaderMain.Reader fresh = cluster.startReader(dir.resolve("fresh"));
    try (Sse gone =
        Sse.open("http://127.0.0.1:" + fresh.port() + "/v1/watch?prefix=h/&fromVersion=" + first)) {
      assertEquals(410, gone.status);
      String body = gone.next(line -> !line.isBlank());
      assertTrue(body.contains("\"history_compacted\""), body);
      long oldest = Long.parseLong(body.replaceAll(".*\"oldestVersion\":(\\d+).*", "$1"));
      assertTrue(oldest > first, body);
      try (Sse from =
          Sse.open(
              "http://127.0.0.1:" + fresh.port() + "/v1/watch?prefix=h/&fromVersion=" + oldest)) {
        assertEquals(200, from.status, "a watch from the oldest version held is served");
      }
    }
  }

  /** A raw Server-Sent Events stream, its lines read in the background. */
  static final class Sse implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    final int status;
    final String contentType;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Stream<String> body;

    private Sse(HttpResponse<Stream<String>> r) {
      status = r.statusCode();
      contentType = r.headers().firstValue("Content-Type").orElse("");
      body = r.body();
      Thread.ofVirtual().start(() -> body.forEach(lines::add));
    }

    static Sse open(String url, String... headers) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
      for (int i = 0; i < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      return new Sse(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofLines()));
    }

    /** The next line that {@code wanted} accepts, within 10 s. */
    String next(java.util.function.Predicate<String> wanted) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && wanted.test(line)) {
          return line;
        }
      }
      throw new AssertionError("no such line within 10 s");
    }

    @Override
    public void close() {
      body.close();
    }
  }
}
