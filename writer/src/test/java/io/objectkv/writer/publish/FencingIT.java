package io.objectkv.writer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.Replies;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.manifest.WriterFence;
import io.objectkv.core.model.Outcome;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Fencing without Kafka transactions, on a real broker: a writer that was replaced can neither
 * change the manifest nor answer a client, and of two fences of one epoch only the first counts.
 */
class FencingIT {
  private final TestCluster servers = TestCluster.get();
  private final String bootstrap = servers.bootstrapServers();
  private final KafkaNames names = new KafkaNames(servers.uniqueName("fencing"));

  private static ManifestDelta delta(long id, long epoch, String l0) {
    SstInfo sst = new SstInfo(l0, 100, 1, "a".getBytes(), "b".getBytes(), id, id);
    return new ManifestDelta(id, epoch, id, 0, List.of(new ManifestEdit.AddL0(sst)), List.of());
  }

  private static Reply outcome(long correlationId) {
    return new Reply("gateway", correlationId, new Outcome.Committed(1));
  }

  private ManifestFollower follower() {
    ManifestFollower f =
        ManifestFollower.open(bootstrap, names, "fencing-test", ManifestSnapshot.EMPTY);
    f.catchUp(Duration.ofSeconds(30));
    return f;
  }

  /** The replies a gateway answers: those of deltas that count, by the gateway's own rule. */
  private List<Long> answeredOutcomes() {
    List<Long> ids = new ArrayList<>();
    TopicPartition tp = new TopicPartition(names.manifest(), 0);
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(KafkaClients.follower(bootstrap, "fencing-replies"))) {
      c.assign(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      c.seekToBeginning(List.of(tp));
      while (c.position(tp) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          Replies replies = ManifestCodec.decodeReplies("manifest", r.value());
          if (replies.countsAt(r.offset())) {
            replies.replies().forEach(reply -> ids.add(reply.correlationId()));
          }
        }
      }
    }
    return ids;
  }

  @Test
  void aReplacedWriterCanNeitherChangeTheManifestNorAnswer() {
    TopicSetup.ensureTopics(bootstrap, names, Optional.empty());
    try (Publisher a = new Publisher(bootstrap, names, "writer-a")) {
      a.fence(new WriterFence(1, 0));
      a.publish(delta(1, 1, "l0/a1"), List.of(outcome(1)), Map.of());
      try (Publisher b = new Publisher(bootstrap, names, "writer-b")) {
        long fence = b.fence(new WriterFence(2, 0));
        assertThrows(
            Publisher.PublishException.class,
            () -> a.publish(delta(2, 1, "l0/a2-replaced"), List.of(outcome(2)), Map.of()),
            "a delta that lands after another writer's fence is not acknowledged");
        // b reads on through its fence (as Recovery.claim does): a's delta does not count
        try (ManifestFollower f = follower()) {
          assertEquals(2, f.manifest().writerEpoch());
          assertEquals(fence, f.epochSetAt());
          assertEquals(List.of("l0/a1"), f.manifest().l0().stream().map(SstInfo::key).toList());
          b.continueAfter(f.logOffset());
        }
        b.publish(delta(2, 2, "l0/b2"), List.of(outcome(3)), Map.of());
      }
    }
    try (ManifestFollower f = follower()) {
      Manifest m = f.manifest();
      assertEquals(List.of("l0/a1", "l0/b2"), m.l0().stream().map(SstInfo::key).toList());
      assertEquals(2, m.id());
    }
    assertEquals(List.of(1L, 3L), answeredOutcomes(), "no outcome of the replaced writer's delta");
  }

  @Test
  void ofTwoFencesOfOneEpochTheFirstCounts() {
    TopicSetup.ensureTopics(bootstrap, names, Optional.empty());
    try (Publisher a = new Publisher(bootstrap, names, "writer-a");
        Publisher b = new Publisher(bootstrap, names, "writer-b")) {
      long first = a.fence(new WriterFence(1, 0));
      long second = b.fence(new WriterFence(1, 0));
      try (ManifestFollower f = follower()) {
        assertEquals(first, f.epochSetAt(), "the writer of the second fence sees that it lost");
        assertEquals(second, f.logOffset());
      }
      assertThrows(
          Publisher.PublishException.class,
          () -> a.publish(delta(1, 1, "l0/a1"), List.of(outcome(1)), Map.of()),
          "the winner's next delta is not right after its fence: it gives up rather than guess");
    }
  }
}
