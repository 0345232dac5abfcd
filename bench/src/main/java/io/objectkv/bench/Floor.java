package io.objectkv.bench;

import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.testkit.TestCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The latency floor on the same servers: a bare S3 PUT (into the cluster's bucket) and a bare Kafka
 * produce, sequentially. S3Mock stores a bucket's object list in one file, so its PUTs grow slower
 * with the objects the bucket holds: compare a run's latencies with a floor measured next to them,
 * in the same bucket.
 */
final class Floor {
  private Floor() {}

  /**
   * @param kafkaHop from a produce to a consumer that follows the topic seeing the record: what a
   *     record costs from one process to another through Kafka
   */
  record Result(Latencies s3Put, Latencies kafkaProduce, Latencies kafkaHop) {
    /** The floor of one write: p50 of a PUT plus p50 of a produce. */
    double p50Millis() {
      return s3Put.millis(0.5) + kafkaProduce.millis(0.5);
    }

    String summary() {
      return String.format(
          "S3 PUT p50 %.2f ms + Kafka produce p50 %.2f ms = %.2f ms (a Kafka hop, produce to a"
              + " following consumer, p50 %.2f ms)",
          s3Put.millis(0.5), kafkaProduce.millis(0.5), p50Millis(), kafkaHop.millis(0.5));
    }
  }

  static Result measure(BenchCluster cluster, int samples, int objectBytes) throws Exception {
    TestCluster servers = cluster.servers;
    try (ObjectStore s3 = cluster.rawStore(servers.uniqueName("floor") + "/")) {
      return measure(
          s3, servers.bootstrapServers(), servers.uniqueName("floor"), samples, objectBytes);
    }
  }

  /**
   * PUTs of {@code objectBytes} into {@code store} (deleted afterwards: S3Mock's PUTs slow down as
   * its bucket fills), then produces of 100 bytes to a new topic {@code topic}, one at a time.
   */
  static Result measure(
      ObjectStore store, String bootstrap, String topic, int samples, int objectBytes)
      throws Exception {
    byte[] object = new byte[objectBytes];
    new Random(1).nextBytes(object);
    Latencies puts = new Latencies();
    for (int i = -samples / 5; i < samples; i++) {
      long t = System.nanoTime();
      store.putIfAbsent("floor/" + i + ".sst", Content.of(object));
      if (i >= 0) {
        puts.record(System.nanoTime() - t);
      }
    }
    for (int i = -samples / 5; i < samples; i++) {
      store.delete("floor/" + i + ".sst");
    }
    try (Admin admin = KafkaClients.admin(bootstrap)) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty())))
          .all()
          .get();
    }
    Latencies produces = new Latencies();
    Latencies hops = new Latencies();
    Map<String, Object> p = KafkaClients.producer(bootstrap, "floor");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0); // Kafka 4 defaults to 5 ms
    TopicPartition partition = new TopicPartition(topic, 0);
    long[] sent = new long[samples];
    long[] seen = new long[samples];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
        KafkaConsumer<byte[], byte[]> follower =
            new KafkaConsumer<>(KafkaClients.follower(bootstrap, "floor-follower"))) {
      follower.assign(List.of(partition));
      follower.seekToEnd(List.of(partition));
      long start = follower.position(partition);
      CountDownLatch all = new CountDownLatch(samples);
      Thread following =
          Thread.ofPlatform()
              .start(
                  () -> {
                    while (all.getCount() > 0 && !Thread.currentThread().isInterrupted()) {
                      for (ConsumerRecord<byte[], byte[]> r :
                          follower.poll(Duration.ofMillis(100))) {
                        int i = (int) (r.offset() - start) - samples / 5;
                        if (i >= 0 && i < samples) {
                          seen[i] = System.nanoTime();
                          all.countDown();
                        }
                      }
                    }
                  });
      byte[] value = new byte[100];
      for (int i = -samples / 5; i < samples; i++) {
        long t = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
        if (i >= 0) {
          sent[i] = t;
          produces.record(System.nanoTime() - t);
        }
        Thread.sleep(1); // the follower is back in its wait before the next record
      }
      boolean complete = all.await(10, TimeUnit.SECONDS);
      following.interrupt();
      following.join();
      if (!complete) {
        throw new IllegalStateException("the follower did not see every record in 10 s");
      }
      for (int i = 0; i < samples; i++) {
        hops.record(seen[i] - sent[i]);
      }
    }
    return new Result(
        Latencies.merge(List.of(puts)),
        Latencies.merge(List.of(produces)),
        Latencies.merge(List.of(hops)));
  }
}
