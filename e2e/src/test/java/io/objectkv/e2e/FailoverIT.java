package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.read.LsmView;
import io.objectkv.format.Entry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 the active writer process in the middle of a load: the standby process takes over, every
 * acknowledged write is still there, and no batch is applied twice (retries with the same request
 * id get their first outcome).
 */
class FailoverIT {
  @TempDir Path logs;

  @Test
  void theStandbyTakesOverAndNothingAcknowledgedIsLost() throws Exception {
    try (Cluster cluster = new Cluster("failover")) {
      ProcessWriter first = ProcessWriter.start(cluster, "writer-a", logs);
      first.awaitRole("active", Duration.ofSeconds(60));
      ProcessWriter second = ProcessWriter.start(cluster, "writer-b", logs);
      second.awaitRole("standby", Duration.ofSeconds(30));
      Api api = cluster.startGateway();

      Map<String, String> acknowledged = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong retries = new AtomicLong();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int client = c;
        clients.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; !stop.get(); i++) {
                        String key = "fo-" + client + "-" + i;
                        String value = "v-" + client + "-" + i;
                        // put-if-absent: applied twice, the second application would fail with 409
                        String body =
                            "{\"requestId\": \"%s\", \"ops\": [{\"op\": \"put\", \"key\": \"%s\", \"value\": \"%s\", \"if\": \"absent\"}]}"
                                .formatted(key, key, value);
                        while (true) {
                          Api.Response r;
                          try {
                            r = api.batch(body);
                          } catch (RuntimeException e) {
                            retries.incrementAndGet();
                            continue;
                          }
                          if (r.status() == 200) {
                            acknowledged.put(key, value);
                            break;
                          }
                          if (r.status() == 503) {
                            retries
                                .incrementAndGet(); // outcome unknown: retry with the same request
                            // id
                            continue;
                          }
                          problems.add(key + ": " + r);
                          return;
                        }
                      }
                    }));
      }
      io.objectkv.testkit.Poll.until(
          Duration.ofSeconds(30), "some acknowledged writes", () -> acknowledged.size() > 50);
      long beforeKill = acknowledged.size();
      long killed = System.nanoTime();
      first.kill();
      second.awaitRole("active", Duration.ofSeconds(30));
      long takeoverMillis = (System.nanoTime() - killed) / 1_000_000;
      io.objectkv.testkit.Poll.until(
          Duration.ofSeconds(60),
          "writes acknowledged by the new writer",
          () -> acknowledged.size() > beforeKill + 50);
      stop.set(true);
      for (Thread t : clients) {
        assertTrue(t.join(Duration.ofSeconds(60)), "client " + t.getName() + " stopped");
      }
      assertTrue(problems.isEmpty(), "no write was applied twice or refused: " + problems);

      LsmView view = cluster.inspector().view();
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        Entry got = view.get(e.getKey().getBytes(StandardCharsets.UTF_8));
        assertTrue(
            got != null && !got.isTombstone(), "acknowledged write " + e.getKey() + " is there");
        assertEquals(e.getValue(), new String(got.value(), StandardCharsets.UTF_8));
      }
      System.out.printf(
          "failover: standby active %d ms after the kill; %d writes acknowledged (%d before the kill), %d retries%n",
          takeoverMillis, acknowledged.size(), beforeKill, retries.get());
      second.close();
    }
  }
}
