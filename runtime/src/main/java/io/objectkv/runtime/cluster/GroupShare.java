package io.objectkv.runtime.cluster;

import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's share of the databases, as a Kafka consumer group hands them out: each database is
 * one partition (of the topic {@code topicOf} names), and the group's assignor gives each partition
 * to exactly one live member, so processes of one role split the databases between them, a new one
 * takes a share and a dead one's share moves after its session. Nothing is read: the partitions
 * stay paused; the group only decides who does what. Their ends are asked in one request, so a
 * parked worker learns that its log moved without a consumer of its own: every {@link #ENDS_EVERY}
 * those of databases whose log moved or that were woken ({@link Wakes}) in the last {@link
 * #LATELY}, every {@link #QUIET_ENDS_EVERY} all of them (a broker reads each partition a request
 * names, so a thousand quiet databases asked every 2 s cost CPU on both sides).
 */
public final class GroupShare implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GroupShare.class);

  private final Catalog catalog;
  private final Function<Database, String> topicOf;
  private final Map<String, Database> held = new ConcurrentHashMap<>();
  private final Map<String, Database> byTopic = new ConcurrentHashMap<>();
  private final Map<String, Long> ends = new ConcurrentHashMap<>();
  private final Map<String, Long> movedAt = new ConcurrentHashMap<>();

  /** How often the ends of the partitions that moved or were woken lately are asked. */
  static final Duration ENDS_EVERY = Duration.ofSeconds(2);

  /** How often the ends of all the held partitions are asked. */
  static final Duration QUIET_ENDS_EVERY = Duration.ofSeconds(30);

  static final Duration LATELY = Duration.ofMinutes(2);

  private final KafkaNames deployment;
  private final Wakes wakes;

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  public GroupShare(
      String bootstrap,
      KafkaNames deployment,
      String groupId,
      String clientId,
      Catalog catalog,
      Function<Database, String> topicOf,
      Duration sessionTimeout) {
    this.catalog = catalog;
    this.topicOf = topicOf;
    this.deployment = deployment;
    this.wakes = new Wakes(bootstrap, deployment, clientId + "-wakes", writeLog -> {});
    Map<String, Object> c = KafkaClients.follower(bootstrap, clientId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, sessionTimeout.toMillis() / 5));
    this.consumer = new KafkaConsumer<>(c);
    this.thread = Thread.ofPlatform().name("group-share").daemon().start(this::run);
  }

  /** Whether this process holds the database now. */
  public boolean holds(Database d) {
    Database h = held.get(topicOf.apply(d));
    return h != null && h.equals(d);
  }

  /**
   * The end of the committed records of the database's partition, as last asked (at most {@link
   * #ENDS_EVERY} old for a database written lately, {@link #QUIET_ENDS_EVERY} for the others); -1
   * while this process does not hold it or has not asked yet.
   */
  public long logEnd(Database d) {
    return holds(d) ? ends.getOrDefault(topicOf.apply(d), -1L) : -1;
  }

  private final ConsumerRebalanceListener listener =
      new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
          consumer.pause(partitions);
          for (TopicPartition p : partitions) {
            Database d = byTopic.get(p.topic());
            if (d != null) {
              held.put(p.topic(), d);
              log.info("database {} is ours now", d.key());
            }
          }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          release(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
          release(partitions);
        }
      };

  private void release(Collection<TopicPartition> partitions) {
    for (TopicPartition p : partitions) {
      held.remove(p.topic());
      ends.remove(p.topic());
      movedAt.remove(p.topic());
    }
  }

  private void askEnds(boolean all) {
    long now = System.nanoTime();
    List<TopicPartition> ask =
        consumer.assignment().stream().filter(p -> all || lately(p.topic(), now)).toList();
    if (!ask.isEmpty()) {
      consumer
          .endOffsets(ask)
          .forEach(
              (p, end) -> {
                if (!end.equals(ends.put(p.topic(), end))) {
                  movedAt.put(p.topic(), now);
                }
              });
    }
  }

  private boolean lately(String topic, long now) {
    Long moved = movedAt.get(topic);
    Database d = byTopic.get(topic);
    return (moved != null && now - moved < LATELY.toNanos())
        || (d != null && wakes.wokenWithin(d.kafkaNames(deployment).writes(), LATELY));
  }

  private void run() {
    Set<String> subscribed = new TreeSet<>();
    long endsAsked = System.nanoTime() - ENDS_EVERY.toNanos();
    long allEndsAsked = System.nanoTime() - QUIET_ENDS_EVERY.toNanos();
    while (running) {
      try {
        Set<String> wanted = new TreeSet<>();
        for (Database d : catalog.live()) {
          if (!d.isDefault()) {
            String topic = topicOf.apply(d);
            byTopic.put(topic, d);
            wanted.add(topic);
          }
        }
        if (!wanted.equals(subscribed)) {
          if (wanted.isEmpty()) {
            consumer.unsubscribe();
            held.clear();
          } else {
            consumer.subscribe(wanted, listener);
          }
          subscribed = wanted;
        }
        if (subscribed.isEmpty()) {
          Thread.sleep(1000);
        } else {
          consumer.poll(Duration.ofSeconds(1)); // paused: only the group's news comes
          if (System.nanoTime() - endsAsked >= ENDS_EVERY.toNanos()) {
            boolean all = System.nanoTime() - allEndsAsked >= QUIET_ENDS_EVERY.toNanos();
            askEnds(all);
            endsAsked = System.nanoTime();
            if (all) {
              allEndsAsked = endsAsked;
            }
          }
        }
      } catch (WakeupException e) {
        // closing
      } catch (InterruptedException e) {
        break;
      } catch (RuntimeException e) {
        log.warn("the group share failed; going on in a second: {}", e.toString());
        held.clear();
        ends.clear();
        movedAt.clear();
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
    consumer.close(Duration.ofSeconds(2));
    wakes.close();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
