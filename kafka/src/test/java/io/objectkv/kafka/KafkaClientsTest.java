package io.objectkv.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientsTest {
  @TempDir Path dir;

  @AfterEach
  void reset() {
    KafkaClients.deploymentProperties(Map.of());
  }

  @Test
  void deploymentPropertiesReachEveryClientAndOursWin() throws Exception {
    Path file = dir.resolve("kafka.properties");
    Files.writeString(
        file,
        """
        # TLS and SASL for the brokers
        security.protocol=SASL_SSL
        sasl.mechanism=SCRAM-SHA-512
        ssl.truststore.location=/etc/objectkv/truststore.p12
        acks=1
        isolation.level=read_uncommitted
        """);
    KafkaClients.deploymentProperties(KafkaClients.readProperties(file));

    Map<String, Object> producer = KafkaClients.producer("b:9092", "p");
    assertEquals("SASL_SSL", producer.get("security.protocol"));
    assertEquals("SCRAM-SHA-512", producer.get("sasl.mechanism"));
    assertEquals("all", producer.get("acks"), "acknowledged means on every replica: ours win");

    Map<String, Object> follower = KafkaClients.follower("b:9092", "f");
    assertEquals("/etc/objectkv/truststore.p12", follower.get("ssl.truststore.location"));
    assertEquals("read_committed", follower.get("isolation.level"));
    assertEquals("b:9092", follower.get("bootstrap.servers"));
  }

  @Test
  void aMissingFileIsAnErrorNamingIt() {
    Path missing = dir.resolve("nope.properties");
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> KafkaClients.readProperties(missing));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }
}
