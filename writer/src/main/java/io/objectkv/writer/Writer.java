package io.objectkv.writer;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer process: a member of the database's writer group. The member that owns partition 0 of
 * the write log is the active writer ({@link ActiveWriter}); the others are standbys that wait in
 * the group and take over when it leaves or goes silent. Any failure of the active role ends it;
 * the process rejoins as a standby and may win the partition again.
 */
public final class Writer implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** What this process is doing now. */
  public enum Role {
    STANDBY,
    RECOVERING,
    ACTIVE,
    STOPPED
  }

  private final WriterConfig config;
  private final ObjectStore store;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final WriterMetrics metrics;
  private final String instanceId;
  private volatile boolean running = true;
  private volatile Role role = Role.STANDBY;
  private volatile Map<String, Object> activeStatus = Map.of();
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  public Writer(
      WriterConfig config,
      ObjectStore store,
      InstantSource clock,
      RandomGenerator random,
      Metrics metrics,
      String instanceId) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.metrics = new WriterMetrics(metrics);
    this.instanceId = instanceId;
    metrics.gauge(
        "objectkv_writer_active",
        "1 while this process is the active writer.",
        () -> role == Role.ACTIVE ? 1 : 0);
  }

  public Role role() {
    return role;
  }

  /** The active writer's manifest and counters (empty unless active). */
  public Map<String, Object> status() {
    return activeStatus;
  }

  @Override
  public void run() {
    while (running) {
      try {
        member();
      } catch (WakeupException e) {
        // close() interrupted a poll
      } catch (RuntimeException e) {
        log.error("writer role ended; rejoining as a standby: {}", e.toString(), e);
        pause(Duration.ofSeconds(1));
      } finally {
        activeStatus = Map.of();
        role = running ? Role.STANDBY : Role.STOPPED;
      }
    }
    role = Role.STOPPED;
  }

  private void member() {
    TopicPartition p0 = new TopicPartition(config.names().writes(), 0);
    boolean[] owned = {false};
    Map<String, Object> c =
        KafkaClients.follower(
            config.bootstrap(), config.names().database() + "-writer-" + instanceId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.names().writerGroup());
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, config.sessionTimeout().toMillis() / 4));
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.groups().maxRecords());
    c.put(
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, Math.max(config.groups().maxBytes(), 8L << 20)));
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(c)) {
      consumer = kafka;
      kafka.subscribe(
          List.of(config.names().writes()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              owned[0] |= partitions.contains(p0);
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              owned[0] &= !partitions.contains(p0);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              owned[0] &= !partitions.contains(p0);
            }
          });
      ActiveWriter active = null;
      try {
        while (running) {
          if (active == null) {
            kafka.poll(
                Duration.ofMillis(
                    200)); // standby: stay in the group; records are re-read after recovery
            if (owned[0]) {
              role = Role.RECOVERING;
              active =
                  new ActiveWriter(
                      config,
                      store,
                      kafka,
                      clock,
                      random,
                      metrics,
                      config.names().database() + "-writer-" + instanceId);
              role = Role.ACTIVE;
              activeStatus = active.status();
            }
            continue;
          }
          List<ConsumerRecord<byte[], byte[]>> group = active.nextGroup();
          if (!owned[0]) {
            log.warn("lost the write log partition; giving up the active role");
            active.close();
            active = null;
            role = Role.STANDBY;
            activeStatus = Map.of();
            continue;
          }
          if (group.isEmpty()) {
            active.idle();
          } else {
            active.process(group);
          }
          activeStatus = active.status();
        }
      } finally {
        if (active != null) {
          active.close();
        }
        consumer = null;
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Leaves the group cleanly: a standby takes over at once. */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }
}
