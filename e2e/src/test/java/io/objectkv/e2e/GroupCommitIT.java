package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.read.LsmView;
import io.objectkv.format.Entry;
import io.objectkv.testkit.Poll;
import io.objectkv.writer.Writer;
import io.objectkv.writer.commit.GroupPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The writer's minimum group interval caps group commits (S3 PUTs) and loses nothing. */
class GroupCommitIT {
  private Cluster cluster;

  @AfterEach
  void stop() throws Exception {
    cluster.close();
  }

  @Test
  void theMinimumIntervalCapsGroupCommits() throws Exception {
    Duration interval = Duration.ofMillis(300);
    cluster = new Cluster("groups");
    Writer writer =
        cluster.startWriter(
            cluster
                .writerConfig()
                .withGroups(GroupPolicy.DEFAULT.withDelays(Duration.ofMillis(50), interval)));
    Poll.until(Duration.ofSeconds(60), "the writer", () -> writer.isActive());
    Api api = cluster.startGateway();
    Inspector db = cluster.inspector();

    int clients = 16;
    int writesEach = 8;
    List<Thread> threads = new ArrayList<>();
    List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      int client = c;
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < writesEach; i++) {
                      statuses.add(api.put("g-" + client + "-" + i, "v" + i).status());
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

    assertEquals(clients * writesEach, statuses.size());
    assertTrue(statuses.stream().allMatch(s -> s == 200), statuses.toString());
    int l0Objects = cluster.store.list("l0/").size();
    // Without the interval these sequential rounds would commit every few milliseconds.
    long allowed = elapsedMillis / interval.toMillis() + 1;
    assertTrue(
        l0Objects <= allowed,
        l0Objects + " L0 objects in " + elapsedMillis + " ms; at most " + allowed + " allowed");
    LsmView view = db.view();
    assertEquals(l0Objects, view.manifest().l0().size());
    for (int c = 0; c < clients; c++) {
      for (int i = 0; i < writesEach; i++) {
        Entry e = view.get(("g-" + c + "-" + i).getBytes(StandardCharsets.UTF_8));
        assertEquals("v" + i, new String(e.value(), StandardCharsets.UTF_8));
      }
    }
  }
}
