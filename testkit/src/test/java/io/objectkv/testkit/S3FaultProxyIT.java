package io.objectkv.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.OutcomeUnknownException;
import io.objectkv.core.store.RetryPolicy;
import io.objectkv.core.store.RetryingObjectStore;
import io.objectkv.s3.S3Config;
import io.objectkv.s3.S3ObjectStore;
import io.objectkv.testkit.chaos.S3FaultProxy;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chaos harness's S3 proxy: transparent when well, and misbehaving only as asked. */
class S3FaultProxyIT {
  private final TestCluster cluster = TestCluster.get();

  private ObjectStore store(S3FaultProxy proxy, String prefix) {
    return new RetryingObjectStore(
        new S3ObjectStore(
            S3Config.compatible(proxy.endpoint(), TestCluster.BUCKET, prefix, "test", "test")),
        RetryPolicy.DEFAULT,
        new Random(1),
        RetryPolicy.Sleeper.REAL);
  }

  @Test
  void passesEveryRequestThroughUnchangedWhenWell() {
    try (S3FaultProxy proxy = new S3FaultProxy(cluster.s3Endpoint(), 1);
        ObjectStore s = store(proxy, cluster.uniqueName("proxy") + "/")) {
      byte[] body = new byte[100_000];
      new Random(2).nextBytes(body);
      assertTrue(s.putIfAbsent("a", Content.of(body)));
      assertFalse(s.putIfAbsent("a", Content.of(body)));
      for (int i = 0; i < 200; i++) { // many requests on kept-alive connections
        assertArrayEquals(body, s.get("a"));
        assertArrayEquals(java.util.Arrays.copyOfRange(body, 10, 30), s.getRange("a", 10, 20));
        assertEquals(body.length, s.head("a").orElseThrow().size());
        assertTrue(s.head("missing-" + i).isEmpty());
      }
      s.put("b", Content.of(new byte[] {1}));
      assertEquals(2, s.list("").size());
      s.delete("b");
      assertEquals(1, s.list("").size());
      assertEquals(806, proxy.counts().get("forwarded"), proxy.counts().toString());
      assertEquals(
          java.util.Map.of(
              "put", 3L, "get", 200L, "rangedGet", 200L, "head", 400L, "list", 2L, "delete", 1L),
          proxy.requestsByKind(),
          "the kinds the cost meter bills");
    }
  }

  @Test
  void failuresAreRetriedAndLostAnswersAreUnknownOutcomes() {
    try (S3FaultProxy proxy = new S3FaultProxy(cluster.s3Endpoint(), 1);
        ObjectStore s = store(proxy, cluster.uniqueName("proxy") + "/")) {
      proxy.set(new S3FaultProxy.Faults(5, 0.5, 0.2, 0));
      for (int i = 0; i < 50; i++) {
        s.put("k" + i, Content.of(new byte[] {(byte) i}));
        assertArrayEquals(new byte[] {(byte) i}, s.get("k" + i));
      }
      assertTrue(
          proxy.counts().getOrDefault("failed", 0L) + proxy.counts().getOrDefault("throttled", 0L)
              > 5);
      proxy.set(new S3FaultProxy.Faults(0, 0, 0, 1.0));
      try {
        s.putIfAbsent("lost", Content.of(new byte[] {7}));
      } catch (OutcomeUnknownException expected) {
        // the retry found it present: it was applied, the answer was lost
      }
      proxy.set(S3FaultProxy.Faults.NONE);
      assertArrayEquals(new byte[] {7}, s.get("lost"), "the PUT was applied all the same");
    }
  }
}
