package io.objectkv.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A follower whose fetch waits {@link KafkaClients#FORWARD_FETCH_WAIT} (5 s) at the broker: a
 * record ends the wait at once, and closing it does not wait for the fetch.
 */
class ForwardFollowerIT {
  /** Well under the fetch wait, well over a loaded machine's produce-to-fetch time. */
  private static final Duration PROMPTLY = Duration.ofMillis(2_500);

  @Test
  void aRecordEndsTheWaitAndCloseDoesNotWaitForTheFetch() throws Exception {
    TestCluster cluster = TestCluster.get();
    String topic = cluster.newTopic("forward");
    TopicPartition tp = new TopicPartition(topic, 0);
    KafkaConsumer<byte[], byte[]> follower =
        new KafkaConsumer<>(
            KafkaClients.follower(
                cluster.bootstrapServers(), topic + "-follower", KafkaClients.FORWARD_FETCH_WAIT));
    Duration close = null; // set once the follower is closed on the path that measures it
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(cluster.bootstrapServers(), topic + "-p"))) {
      follower.assign(List.of(tp));
      follower.seekToEnd(List.of(tp));
      follower.position(tp);
      assertTrue(follower.poll(Duration.ofMillis(300)).isEmpty(), "an empty log");
      // Its fetch now waits at the broker.
      long sent = System.nanoTime();
      producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {42})).get();
      List<byte[]> seen = new ArrayList<>();
      while (seen.isEmpty() && System.nanoTime() - sent < 2 * PROMPTLY.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : follower.poll(Duration.ofMillis(50))) {
          seen.add(r.value());
        }
      }
      Duration took = Duration.ofNanos(System.nanoTime() - sent);
      assertEquals(1, seen.size(), "the record arrived");
      assertTrue(took.compareTo(PROMPTLY) < 0, "the record ended the fetch's wait: " + took);

      follower.poll(Duration.ofMillis(100)); // the next fetch waits now
      long closing = System.nanoTime();
      KafkaClients.closeFollower(follower);
      close = Duration.ofNanos(System.nanoTime() - closing);
    } finally {
      if (close == null) {
        KafkaClients.closeFollower(follower); // an assertion above failed
      }
    }
    assertTrue(close.compareTo(PROMPTLY) < 0, "close waited for the fetch: " + close);
  }
}
