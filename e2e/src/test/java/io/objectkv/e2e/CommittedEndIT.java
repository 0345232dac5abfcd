package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.kafka.CommittedEnd;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.testkit.TestCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * The strong-read barrier on the real broker of the tests: a lookup asked after a record was
 * acknowledged ends after it, while many readers ask at once and records keep coming.
 */
class CommittedEndIT {
  @Test
  void aLookupAskedAfterAnAcknowledgedRecordEndsAfterIt() throws Exception {
    TestCluster servers = TestCluster.get();
    String topic = servers.newTopic("committed-end");
    AtomicLong acknowledged = new AtomicLong(); // records acknowledged so far: the end to reach
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    try (CommittedEnd end = new CommittedEnd(servers.bootstrapServers(), "ce-test", topic);
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(KafkaClients.producer(servers.bootstrapServers(), "ce-p"))) {
      end.afterNow(); // connects its consumer
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        readers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      int lookups = 0;
                      while (System.nanoTime() < deadline && failures.isEmpty()) {
                        long before = acknowledged.get();
                        try {
                          long seen = end.afterNow().get(10, TimeUnit.SECONDS);
                          lookups++;
                          if (seen < before) {
                            failures.add("end " + seen + " after " + before + " were acknowledged");
                          }
                          if (end.latest() < seen) {
                            failures.add("latest " + end.latest() + " behind a lookup's " + seen);
                          }
                        } catch (Exception e) {
                          failures.add(e.toString());
                        }
                      }
                      if (lookups == 0) {
                        failures.add("no lookup completed");
                      }
                    }));
      }
      for (long n = 1; System.nanoTime() < deadline && failures.isEmpty(); n++) {
        producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {1})).get();
        acknowledged.set(n);
      }
      for (Thread t : readers) {
        t.join();
      }
      assertTrue(failures.isEmpty(), failures.toString());
      assertTrue(acknowledged.get() > 10, "records were written meanwhile: " + acknowledged);
      // A hint for replicas: found by a lookup, so never past the log's end.
      long latest = end.latest();
      assertTrue(
          latest > 0 && latest <= acknowledged.get(),
          "latest " + latest + " of " + acknowledged + " records");
    }
  }
}
