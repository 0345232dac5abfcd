package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.cluster.GroupShare;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Processes of one role split the databases through a consumer group (how compactors share them):
 * one process holds all, a second takes a share with no database held twice, and when one leaves
 * the other holds all again. On the real Kafka broker of the tests.
 */
class GroupShareIT {
  @Test
  void processesSplitTheDatabasesAndTakeOverALeaversShare() {
    TestCluster servers = TestCluster.get();
    KafkaNames deployment = new KafkaNames(servers.uniqueName("share"));
    TopicSetup.ensureTopics(servers.bootstrapServers(), deployment, Optional.empty());
    try (Catalog catalog =
        Catalog.follow(servers.bootstrapServers(), deployment, Optional.empty(), "share-test")) {
      List<Database> dbs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        dbs.add(catalog.create("db-" + i).database());
      }
      String group = deployment.database() + ".compactors";
      Duration session = Duration.ofSeconds(6);
      GroupShare a =
          new GroupShare(
              servers.bootstrapServers(),
              deployment,
              group,
              "a",
              catalog,
              d -> d.kafkaNames(deployment).manifest(),
              session);
      Poll.until(
          Duration.ofSeconds(30),
          "the first process to hold every database",
          () -> dbs.stream().allMatch(a::holds));
      try (GroupShare b =
          new GroupShare(
              servers.bootstrapServers(),
              deployment,
              group,
              "b",
              catalog,
              d -> d.kafkaNames(deployment).manifest(),
              session)) {
        Poll.until(
            Duration.ofSeconds(30),
            "the second process to take a share",
            () ->
                dbs.stream().filter(b::holds).count() == 2
                    && dbs.stream().filter(a::holds).count() == 2);
        for (Database d : dbs) {
          assertTrue(a.holds(d) != b.holds(d), d + " is held by exactly one");
        }
        a.close();
        Poll.until(
            Duration.ofSeconds(30),
            "the remaining process to hold every database",
            () -> dbs.stream().allMatch(b::holds));
        assertEquals(4, dbs.stream().filter(b::holds).count());
      }
    }
  }
}
