package io.objectkv.runtime.cluster;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.http.Json;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this process's {@link ProcessCard} to {@code <db>.processes} every {@link #EVERY}, and a
 * tombstone when it stops, so that others find it, see it leave, and read its counters. A broker
 * that is down only delays announcements: nothing else in the process waits for them.
 */
public final class Announcer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);

  /** How often a process announces itself. */
  public static final Duration EVERY = Duration.ofSeconds(2);

  /** What every card of this process repeats. */
  private record Identity(String id, String role, String version, String url, long startedAt) {}

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final byte[] key;
  private final Identity identity;
  private final Metrics metrics;
  private final Supplier<ProcessCard.Progress> progress;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean failing;

  private Announcer(
      Producer<byte[], byte[]> producer,
      String topic,
      Identity identity,
      Metrics metrics,
      Supplier<ProcessCard.Progress> progress) {
    this.producer = producer;
    this.topic = topic;
    this.key = identity.id().getBytes(StandardCharsets.UTF_8);
    this.identity = identity;
    this.metrics = metrics;
    this.progress = progress;
    this.thread = Thread.ofPlatform().name("announcer").daemon().start(this::run);
  }

  /**
   * Starts announcing.
   *
   * @param id this run of the process
   * @param role writer, compactor, reader or api-gateway
   * @param port the port its HTTP server listens on
   * @param tls whether that server speaks HTTPS
   * @param progress what the role adds to each card, asked for at each announcement
   */
  public static Announcer start(
      Settings s,
      String id,
      String role,
      int port,
      boolean tls,
      Metrics metrics,
      Supplier<ProcessCard.Progress> progress) {
    KafkaNames names = new KafkaNames(s.get(CommonSettings.DATABASE));
    Map<String, Object> config =
        KafkaClients.producer(s.get(CommonSettings.KAFKA_BOOTSTRAP), names.database() + "-" + id);
    // A card is worth nothing late: no idempotence, no long waits for a broker that is down.
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5000);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    String url = (tls ? "https://" : "http://") + advertisedHost(s) + ":" + port;
    Identity identity = new Identity(id, role, version(), url, System.currentTimeMillis());
    return new Announcer(
        new KafkaProducer<>(config), names.processes(), identity, metrics, progress);
  }

  /**
   * The host others reach this process at: the bound address, or this host's address if that is a
   * wildcard (in a container, the container's address on its network).
   */
  static String advertisedHost(Settings s) {
    String advertised = s.get(CommonSettings.ADVERTISED_HOST);
    if (!advertised.isBlank()) {
      return advertised;
    }
    String bound = s.get(CommonSettings.HTTP_HOST);
    if (!bound.equals("0.0.0.0") && !bound.equals("::")) {
      return bound;
    }
    try {
      return InetAddress.getLocalHost().getHostAddress();
    } catch (UnknownHostException e) {
      return bound;
    }
  }

  /** The version in the jar's manifest, or {@code dev} when run from classes. */
  public static String version() {
    return Optional.ofNullable(ProcessCard.class.getPackage().getImplementationVersion())
        .orElse("dev");
  }

  /** The card as it would be sent now. */
  public ProcessCard card() {
    ProcessCard.Progress p = progress.get();
    return new ProcessCard(
        identity.id(),
        identity.role(),
        identity.version(),
        identity.url(),
        identity.startedAt(),
        System.currentTimeMillis(),
        p.state(),
        p.manifestVersion(),
        ProcessCard.StoreRequests.of(metrics),
        p.writes(),
        p.reads(),
        p.storedBytes());
  }

  private void run() {
    while (running) {
      try {
        send(Json.bytes(card()));
      } catch (RuntimeException e) {
        failed(e);
      }
      LockSupport.parkNanos(EVERY.toNanos());
    }
  }

  private void send(byte[] value) {
    producer.send(
        new ProducerRecord<>(topic, 0, key, value),
        (meta, e) -> {
          if (e != null) {
            failed(e);
          } else if (failing) {
            failing = false;
            log.info("announcing on {} again", topic);
          }
        });
  }

  private void failed(Exception e) {
    if (!failing) {
      failing = true;
      log.warn(
          "cannot announce this process on {} (others will not see it): {}", topic, e.toString());
    }
  }

  /** Stops announcing and says this process has left. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(2000);
      send(null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failed(e);
    } finally {
      producer.close(Duration.ofSeconds(2));
    }
  }
}
