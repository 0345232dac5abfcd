package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 clients increment a few hot counters with compare-and-set for 20 seconds: the final counters
 * equal the number of successful CAS answers (no lost update, no double apply), and strong reads on
 * every replica never go back in time.
 */
class ConcurrencyIT {
  static Cluster cluster;
  static Api api;
  static List<Api> replicas = new ArrayList<>();
  @TempDir static Path caches;

  @BeforeAll
  static void start() {
    cluster = new Cluster("cas");
    cluster.startActiveWriter();
    for (int i = 0; i < 3; i++) {
      replicas.add(Cluster.api(cluster.startReader(caches.resolve("r" + i))));
    }
    api = cluster.startGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  @Test
  void casIncrementsLoseNothing() throws Exception {
    int keys = 4;
    int clients = 32;
    Duration duration = Duration.ofSeconds(Long.getLong("objectkv.casSeconds", 20));
    for (int k = 0; k < keys; k++) {
      assertEquals(200, api.put("counter-" + k, "0").status());
    }
    AtomicLongArray successes = new AtomicLongArray(keys);
    AtomicLong conflicts = new AtomicLong();
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + duration.toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int seed = c;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    Random rnd = new Random(seed);
                    long[] seen = new long[keys];
                    while (System.nanoTime() < deadline) {
                      int k = rnd.nextInt(keys);
                      Api.Response cur =
                          api.send("GET", Api.kv("counter-" + k) + "?minVersion=" + seen[k], null);
                      if (cur.status() != 200) {
                        problems.add("read: " + cur);
                        return;
                      }
                      long version = Long.parseLong(cur.header("ETag").replace("\"", ""));
                      long value = Long.parseLong(cur.body());
                      Api.Response put =
                          api.put(
                              "counter-" + k,
                              Long.toString(value + 1),
                              "If-Match",
                              "\"" + version + "\"");
                      if (put.status() == 200) {
                        successes.incrementAndGet(k);
                        seen[k] = put.version();
                      } else if (put.status() == 412) {
                        conflicts.incrementAndGet();
                        seen[k] = Math.max(seen[k], put.json().get("currentVersion").asLong());
                      } else {
                        problems.add("cas: " + put);
                        return;
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    assertTrue(problems.isEmpty(), problems.toString());
    long total = 0;
    for (int k = 0; k < keys; k++) {
      for (Api replica : replicas) {
        Api.Response r = replica.send("GET", Api.kv("counter-" + k) + "?consistency=strong", null);
        assertEquals(
            successes.get(k), Long.parseLong(r.body()), "counter-" + k + " on every replica");
      }
      total += successes.get(k);
    }
    System.out.printf(
        "CAS: %d clients, %d s: %d increments committed, %d conflicts%n",
        clients, duration.toSeconds(), total, conflicts.get());
    assertTrue(total > 0);
    assertTrue(conflicts.get() > 0, "the keys were hot enough to conflict");
  }

  @Test
  void strongReadsNeverGoBackInTime() throws Exception {
    ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    AtomicLong acked = new AtomicLong(-1);
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    Thread writer =
        Thread.ofVirtual()
            .start(
                () -> {
                  for (long i = 0; System.nanoTime() < deadline; i++) {
                    Api.Response r = api.put("clock", Long.toString(i));
                    if (r.status() != 200) {
                      problems.add("write: " + r);
                      return;
                    }
                    acked.set(i); // acknowledged: every strong read that starts now must see >= i
                  }
                });
    List<Thread> readers = new ArrayList<>();
    for (int c = 0; c < 6; c++) {
      Api replica = replicas.get(c % replicas.size());
      readers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (System.nanoTime() < deadline) {
                      long before = acked.get();
                      Api.Response r =
                          replica.send("GET", Api.kv("clock") + "?consistency=strong", null);
                      if (before < 0) {
                        continue;
                      }
                      if (r.status() != 200 || Long.parseLong(r.body()) < before) {
                        problems.add(
                            "strong read saw " + r + " after " + before + " was acknowledged");
                        return;
                      }
                    }
                  }));
    }
    writer.join();
    for (Thread t : readers) {
      t.join();
    }
    assertTrue(problems.isEmpty(), problems.toString());
    assertTrue(acked.get() > 10);
  }
}
