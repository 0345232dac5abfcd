package io.objectkv.bench;

import io.objectkv.kafka.KafkaClients;
import io.objectkv.testkit.TestCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The cost of the writer's Kafka transaction on the test broker, alone and next to other traffic:
 * begin, two sends, offsets, commit. A diagnostic for the write path's latency.
 *
 * <pre>bench/run KafkaTxnProbe [--seconds 10]</pre>
 */
public final class KafkaTxnProbe {
  private KafkaTxnProbe() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    TestCluster servers = TestCluster.get();
    String base = servers.uniqueName("probe");
    List<String> topics = List.of(base + ".in", base + ".a", base + ".b");
    try (var admin = servers.admin()) {
      admin
          .createTopics(
              topics.stream().map(t -> new NewTopic(t, Optional.of(1), Optional.empty())).toList())
          .all()
          .get();
    }
    for (String mode : List.of("alone", "with-readers", "with-readers-and-producers")) {
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> background = new ArrayList<>();
      if (!mode.equals("alone")) {
        for (String t : List.of(topics.get(1), topics.get(2))) {
          background.add(Thread.ofPlatform().start(() -> follow(servers, t, stop)));
        }
      }
      if (mode.endsWith("producers")) {
        background.add(Thread.ofPlatform().start(() -> produce(servers, topics.get(0), stop)));
      }
      Latencies l = new Latencies();
      Map<String, Object> p = KafkaClients.producer(servers.bootstrapServers(), "probe-tx");
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, base + "-" + mode);
      p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, Integer.getInteger("probe.backoff", 100));
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      Map<String, Object> c = KafkaClients.follower(servers.bootstrapServers(), "probe-group");
      c.put(ConsumerConfig.GROUP_ID_CONFIG, base + "-" + mode);
      try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(p);
          KafkaConsumer<byte[], byte[]> group = new KafkaConsumer<>(c)) {
        group.subscribe(List.of(topics.get(0)));
        while (group.assignment().isEmpty()) {
          group.poll(Duration.ofMillis(100));
        }
        tx.initTransactions();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        for (long i = 0; System.nanoTime() < end; i++) {
          long t = System.nanoTime();
          tx.beginTransaction();
          tx.send(new ProducerRecord<>(topics.get(1), new byte[200]));
          tx.send(new ProducerRecord<>(topics.get(2), new byte[50]));
          if (!Boolean.getBoolean("probe.noOffsets"))
            tx.sendOffsetsToTransaction(
                Map.of(
                    new TopicPartition(topics.get(0), 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(i)),
                group.groupMetadata());
          tx.commitTransaction();
          l.record(System.nanoTime() - t);
        }
      }
      stop.set(true);
      for (Thread t : background) {
        t.join();
      }
      System.out.printf(
          "transaction %-28s %s%n", mode + ":", Latencies.merge(List.of(l)).summary());
    }
    System.exit(0);
  }

  private static void follow(TestCluster servers, String topic, AtomicBoolean stop) {
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(KafkaClients.follower(servers.bootstrapServers(), "probe-follow"))) {
      c.assign(List.of(new TopicPartition(topic, 0)));
      while (!stop.get()) {
        c.poll(Duration.ofMillis(100));
      }
    }
  }

  private static void produce(TestCluster servers, String topic, AtomicBoolean stop) {
    Map<String, Object> p = KafkaClients.producer(servers.bootstrapServers(), "probe-load");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      while (!stop.get()) {
        try {
          producer.send(new ProducerRecord<>(topic, new byte[100])).get();
        } catch (Exception e) {
          return;
        }
      }
    }
  }
}
