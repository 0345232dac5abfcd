package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.gateway.GatewayMain;
import io.objectkv.writer.Writer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write whose outcome does not come by its timeout is answered 503 "applied": "unknown" at that
 * timeout, not before and not much after; its record may still be applied (it reached the log in
 * time), and a retry with the same request id learns the outcome.
 */
class WriteTimeoutIT {
  @TempDir Path cache;

  @Test
  void aWriteWithoutAnOutcomeIsAnsweredUnknownAtItsTimeout() throws Exception {
    try (Cluster cluster = new Cluster("timeouts")) {
      Writer first = cluster.startActiveWriter();
      cluster.startReader(cache);
      GatewayMain.Gateway g = cluster.startGateway(cluster.readers, Duration.ofSeconds(1));
      Api api = new Api(cluster.url(g.port()));
      assertEquals(200, api.put("before", "v0").status()); // the topics exist, a writer decided
      first.close(); // no writer now: the next write waits in the log

      long start = System.nanoTime();
      Api.Response waited = api.put("k", "v1", "Idempotency-Key", "timeout-1");
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, waited.status(), waited.toString());
      assertEquals("unknown", waited.json().get("applied").asText(), waited.toString());
      assertNotNull(waited.header("Retry-After"));
      assertTrue(tookMillis >= 1_000, "answered before its timeout: " + tookMillis + " ms");
      assertTrue(tookMillis < 3_000, "answered long after its timeout: " + tookMillis + " ms");

      // The record reached the log before its deadline: a new writer applies it, and the retry
      // with the same request id learns that from the first outcome.
      cluster.startActiveWriter();
      Api.Response retried = api.put("k", "v1", "Idempotency-Key", "timeout-1");
      assertEquals(200, retried.status(), retried.toString());
      assertEquals("v1", api.send("GET", Api.kv("k") + "?consistency=strong", null).body());
    }
  }
}
