package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Creating databases is a race any number of callers run at once, in one process and across
 * processes (here: two catalogs, as two gateways, with four threads each): for every name exactly
 * one creation is new, every caller gets the same winner, and both catalogs agree. On the real
 * Kafka broker of the tests.
 */
class CatalogIT {
  @Test
  void concurrentCreationsOfANameHaveOneWinner() throws Exception {
    TestCluster servers = TestCluster.get();
    KafkaNames deployment = new KafkaNames(servers.uniqueName("catalog"));
    TopicSetup.ensureTopics(servers.bootstrapServers(), deployment, Optional.empty());
    try (Catalog one =
            Catalog.follow(servers.bootstrapServers(), deployment, Optional.empty(), "gw-1");
        Catalog two =
            Catalog.follow(servers.bootstrapServers(), deployment, Optional.empty(), "gw-2")) {
      List<String> names = List.of("alpha", "beta", "gamma");
      Map<String, ConcurrentLinkedQueue<Catalog.Created>> results = new ConcurrentHashMap<>();
      names.forEach(n -> results.put(n, new ConcurrentLinkedQueue<>()));
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (Catalog catalog : List.of(one, two)) {
        for (int t = 0; t < 4; t++) {
          threads.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          go.await();
                          for (String n : names) {
                            results.get(n).add(catalog.create(n));
                          }
                        } catch (Throwable e) {
                          failures.add(e);
                        }
                      }));
        }
      }
      go.countDown();
      for (Thread t : threads) {
        t.join(60_000);
      }
      assertTrue(failures.isEmpty(), failures.toString());
      for (String n : names) {
        List<Catalog.Created> created = List.copyOf(results.get(n));
        assertEquals(8, created.size(), n);
        assertEquals(
            1, created.stream().filter(Catalog.Created::isNew).count(), n + ": " + created);
        Database winner =
            created.stream().filter(Catalog.Created::isNew).findFirst().get().database();
        assertTrue(created.stream().allMatch(c -> c.database().equals(winner)), n + ": " + created);
        assertEquals(Optional.of(winner), one.live(n));
        assertEquals(Optional.of(winner), two.live(n));
      }
      // A dropped name created again is a new incarnation.
      Database beta = one.live("beta").orElseThrow();
      assertTrue(two.drop("beta"));
      Catalog.Created again = one.create("beta");
      assertTrue(again.isNew());
      assertNotEquals(beta.id(), again.database().id());
      two.sync();
      assertEquals(Optional.of(again.database()), two.live("beta"));
    }
  }
}
