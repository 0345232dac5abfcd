package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.gateway.GatewayMain;
import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers announce themselves and a gateway configured with none finds them: it routes to a reader
 * seconds after it starts, spreads keys over every serving one, and stops routing to one that
 * leaves.
 */
class ReaderDiscoveryIT {
  @TempDir Path caches;

  private static long reads(ReaderMain.Reader r) {
    return r.metrics().counter("objectkv_reader_reads_total", "").get();
  }

  private static int listed(Api api) {
    return api.send("GET", "/v1/status", null).json().get("readers").size();
  }

  @Test
  void aGatewayFindsReadersWithoutConfigurationAndSeesThemLeave() throws Exception {
    try (Cluster cluster = new Cluster("discovery")) {
      cluster.startActiveWriter();
      GatewayMain.Gateway g = cluster.startGateway(List.of(), Duration.ofSeconds(20));
      Api api = new Api(cluster.url(g.port()));
      for (int i = 0; i < 50; i++) {
        assertEquals(200, api.put("d" + i, "v" + i).status(), "writes need no reader");
      }
      Api.Response none = api.get("d0");
      assertEquals(503, none.status(), none.toString());

      long start = System.nanoTime();
      ReaderMain.Reader first = cluster.startReader(caches.resolve("r1"));
      Poll.until(Duration.ofSeconds(30), "a routed read", () -> api.get("d0").status() == 200);
      System.out.printf(
          "ReaderDiscoveryIT: reader start to its first routed read: %d ms%n",
          (System.nanoTime() - start) / 1_000_000);

      ReaderMain.Reader second = cluster.startReader(caches.resolve("r2"));
      Poll.until(Duration.ofSeconds(30), "the second reader listed", () -> listed(api) == 2);
      long before = reads(second);
      for (int i = 0; i < 50; i++) {
        assertEquals("v" + i, api.get("d" + i).body());
      }
      assertTrue(reads(second) - before > 5, "the new reader serves its share of the keys");

      long leave = System.nanoTime();
      cluster.stopReader(first);
      Poll.until(Duration.ofSeconds(10), "the stopped reader unlisted", () -> listed(api) == 1);
      System.out.printf(
          "ReaderDiscoveryIT: reader stop to unlisted: %d ms%n",
          (System.nanoTime() - leave) / 1_000_000);
      for (int i = 0; i < 50; i++) {
        assertEquals(200, api.get("d" + i).status());
      }
    }
  }
}
