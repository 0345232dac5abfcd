package io.objectkv.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Client settings shared by the processes; byte-array keys and values everywhere. Deployment
 * settings (TLS, SASL: {@code security.protocol}, {@code ssl.*}, {@code sasl.*}, or any other
 * client property) come from {@link #deploymentProperties} under ours: where both set a key, ours
 * win, since the guarantees depend on them (acks, idempotence, isolation).
 */
public final class KafkaClients {
  private KafkaClients() {}

  private static volatile Map<String, String> deployment = Map.of();

  /**
   * Client properties every producer, consumer and admin client of this process starts from; set
   * once at start, before any client is made.
   */
  public static void deploymentProperties(Map<String, String> properties) {
    deployment = Map.copyOf(properties);
  }

  /** Reads a Java properties file of client settings (for {@link #deploymentProperties}). */
  public static Map<String, String> readProperties(Path file) {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Kafka client properties from " + file, e);
    }
    Map<String, String> out = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
    return out;
  }

  /** The deployment's properties with {@code ours} over them. */
  private static Map<String, Object> over(Map<String, Object> ours) {
    Map<String, Object> c = new HashMap<>(deployment);
    c.putAll(ours);
    return c;
  }

  /** An admin client; the caller closes it. */
  public static Admin admin(String bootstrap) {
    return Admin.create(over(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap)));
  }

  /** Longest an idle consumer's fetch waits at the broker. */
  private static final Duration IDLE_FETCH_WAIT = Duration.ofMillis(500);

  /**
   * The fetch wait for a follower that only reads on once it fetches: a record ends the wait at
   * once, so this sets only how often an idle follower asks. Not for a follower that seeks or asks
   * for offsets on its own connection: a broker takes one request of a connection at a time, so
   * such a request would wait behind the fetch.
   */
  public static final Duration FORWARD_FETCH_WAIT = Duration.ofSeconds(5);

  /** A read_committed consumer without a group (assign + seek), for following a log. */
  public static Map<String, Object> follower(String bootstrap, String clientId) {
    return follower(bootstrap, clientId, IDLE_FETCH_WAIT);
  }

  /**
   * As {@link #follower(String, String)}, with fetches that wait at most {@code fetchWait} at the
   * broker: for a follower that must see a record of its own soon after it is appended.
   */
  public static Map<String, Object> follower(
      String bootstrap, String clientId, Duration fetchWait) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, TopicSetup.MAX_WRITE_RECORD_BYTES);
    // A fetch waits at the broker until a record arrives (it is answered at once then), or this
    // long: so this bounds nothing but how often an idle follower asks. 100 ms made the idle
    // consumers of a cluster a few percent of a core.
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchWait.toMillis());
    return over(c);
  }

  /**
   * Closes a follower (a consumer outside any group) at once. It has nothing to say at close; a
   * plain close ends its fetch session with a request that waits behind its fetch at the broker, up
   * to the fetch wait (4.6 s measured at 5 s), and the broker drops the session by itself.
   */
  public static void closeFollower(Consumer<?, ?> follower) {
    follower.close(CloseOptions.timeout(Duration.ZERO));
  }

  /** An idempotent producer that waits for all replicas: nothing acknowledged is lost. */
  public static Map<String, Object> producer(String bootstrap, String clientId) {
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicSetup.MAX_WRITE_RECORD_BYTES);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return over(p);
  }
}
