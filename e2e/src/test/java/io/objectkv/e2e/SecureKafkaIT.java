package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.testkit.chaos.ChaosCluster;
import io.objectkv.testkit.chaos.ChaosSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The cluster's processes, each its own JVM, talking to a Kafka broker only over TLS with
 * SASL/SCRAM-SHA-256, configured as a deployment is: {@code OBJECTKV_KAFKA_CLIENT_PROPERTIES} names
 * a client properties file. Writes, strong reads and a broker restart work through it; wrong
 * credentials and plain connections are refused by the broker; no log holds the password. While the
 * broker is down, a write is answered 503 in time, saying whether it may still be applied.
 */
class SecureKafkaIT {
  private static final String PASSWORD = "scram-secret-5f1c";

  @Test
  void theClusterRunsOverTlsWithScram() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "secure-kafka-");
    Path key = dir.resolve("key.pem");
    Path cert = dir.resolve("cert.pem");
    TestCertificate.make(dir);
    // The broker's key store: its private key and its certificate chain in one PEM file.
    Path keyAndChain = dir.resolve("broker.pem");
    Files.writeString(keyAndChain, Files.readString(key) + Files.readString(cert));

    try (ChaosCluster cluster =
        new ChaosCluster(
            dir,
            1,
            ChaosSettings.PROCESSES,
            List.of(dir.resolve("reader-1-cache")),
            Optional.of(new ChaosCluster.SecureKafka(keyAndChain, cert, "objectkv", PASSWORD)))) {
      Api gateway = new Api(cluster.gateway().toString());
      assertEquals(200, gateway.send("PUT", "/v1/kv/secure", "one".getBytes()).status());
      Api.Response read = gateway.send("GET", "/v1/kv/secure?consistency=strong", null);
      assertEquals(200, read.status(), read.body());
      assertEquals("one", read.body());
      Api.Response cas =
          gateway.send("PUT", "/v1/kv/secure", "two".getBytes(), "If-Match", read.header("ETag"));
      assertEquals(200, cas.status(), cas.body());

      // The broker is down: a write is answered 503 within its timeout, saying whether it may
      // still be applied (API.md, "Overload"). Then it restarts, and every process's clients
      // authenticate again.
      cluster.killKafka();
      long sent = System.nanoTime();
      Api.Response down = gateway.send("PUT", "/v1/kv/while-down", "x".getBytes());
      long answeredMillis = (System.nanoTime() - sent) / 1_000_000;
      assertEquals(503, down.status(), down.body());
      assertTrue(down.header("Retry-After") != null, down.toString());
      assertTrue(down.body().contains("\"applied\":"), down.body());
      assertTrue(answeredMillis < 15_000, "answered after " + answeredMillis + " ms");
      cluster.startKafkaAgain();
      Api.Response after = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        after = gateway.send("PUT", "/v1/kv/secure", "three".getBytes());
        if (after.status() == 200) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(200, after.status(), after.body());
      Api.Response last = gateway.send("GET", "/v1/kv/secure?consistency=strong", null);
      assertEquals("three", last.body());

      String secure = cluster.processBootstrap();
      assertFalse(secure.equals(cluster.bootstrap()), "the processes use the secure listener");
      assertRefused(secure, Map.of()); // plain text to the TLS listener
      assertRefused(secure, sasl(cert, "wrong-password"));
    }
    try (Stream<Path> logs = Files.list(dir.resolve("logs"))) {
      for (Path log : logs.toList()) {
        String text = new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(PASSWORD), "the SCRAM password is in " + log);
      }
    }
  }

  private static Map<String, Object> sasl(Path trusted, String password) {
    return Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-256",
        "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"objectkv\""
                + " password=\""
                + password
                + "\";",
        "ssl.truststore.type", "PEM",
        "ssl.truststore.location", trusted.toString());
  }

  private static void assertRefused(String bootstrap, Map<String, Object> security) {
    Map<String, Object> c = new java.util.HashMap<>(security);
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    try (Admin admin = Admin.create(c)) {
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () -> admin.listTopics().names().get(10, TimeUnit.SECONDS),
              "the broker answered " + security.keySet());
      assertTrue(e.getCause() != null, e.toString());
    }
  }
}
