package io.objectkv.writer;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.LogOffsets;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.cluster.Wakes;
import io.objectkv.runtime.health.Liveness;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's member of the writers' group, which shares the databases of the catalog (all but
 * the default one, which has a group of its own with warm standbys: see {@link Writer}). Kafka's
 * group protocol gives each database's write-log partition to exactly one member: a new writer
 * takes a share, a dead one's databases move to the others after its session times out. Each
 * partition held here has a {@link DatabaseRole}; one consumer reads them all and hands each role
 * its records, pausing a partition whose role has a full queue.
 *
 * <p>Writes to a database wake it; silence puts it to sleep. A parked role's partition is fetched
 * until it has been quiet (no record, no wake) for another park interval, then paused: a fetch
 * names every partition it reads, and a broker reads each one's log, so a thousand idle databases
 * fetched twice a second cost CPU on both sides. A gateway names the database on the wake log
 * ({@link KafkaNames#wake()}) when it writes after a quiet second, which this member reads on a
 * consumer of its own; and the ends of the write logs asleep are looked at once per park interval,
 * so that a lost wake (a gateway that died after its write) delays a record, never strands it.
 *
 * <p>A member that is given a partition fences the database's previous writer when it recovers (its
 * transactional id is the database's), so the single-writer argument of a database is the one of
 * {@link Writer}: ownership moves with the partition, and a zombie cannot commit.
 */
public final class SharedWriters implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedWriters.class);

  /** A database with no new record for this long parks its active writer. */
  static final Duration PARK_AFTER = Duration.ofSeconds(30);

  private final WriterConfig config;
  private final Catalog catalog;
  private final ObjectStore sharedStore;
  private final InstantSource clock;
  private final Supplier<RandomGenerator> random;
  private final WriterMetrics metrics;
  private final Liveness liveness;
  private final Liveness.Worker worker;
  private final String instanceId;
  private final Map<TopicPartition, DatabaseRole> roles = new ConcurrentHashMap<>();
  private final Set<TopicPartition> flowPaused = new java.util.HashSet<>();
  private final Set<TopicPartition> positioned = new java.util.HashSet<>();

  /** Partitions of parked roles that are not fetched now. */
  private final Set<TopicPartition> asleep = ConcurrentHashMap.newKeySet();

  /** When each partition held here was last assigned, fetched from, sought or parked. */
  private final Map<TopicPartition, Long> lastLife = new HashMap<>();

  private volatile Wakes wakes;

  private long nextLookAtSleepers = System.nanoTime();
  private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
  private final Map<String, Database> byTopic = new HashMap<>();
  private final Duration parkAfter;
  private volatile boolean running = true;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  /**
   * Asks where write logs begin and end, on a connection of its own: the consumer's requests would
   * wait behind its fetch at the broker, up to its fetch wait each, and a take-over asks several.
   */
  private volatile Admin offsets;

  SharedWriters(
      WriterConfig config,
      Catalog catalog,
      ObjectStore sharedStore,
      InstantSource clock,
      Supplier<RandomGenerator> random,
      WriterMetrics metrics,
      Liveness liveness,
      String instanceId,
      Duration parkAfter) {
    this.config = config;
    this.catalog = catalog;
    this.sharedStore = sharedStore;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.liveness = liveness;
    this.worker = liveness.worker("writers' group", Duration.ofSeconds(60));
    this.instanceId = instanceId;
    this.parkAfter = parkAfter;
  }

  /** The group of the writers of every database but the default one. */
  static String groupId(KafkaNames deployment) {
    return deployment.database() + ".writers";
  }

  /** The status of the database's role here, if this process holds its partition. */
  Optional<WriterStatus> status(String name) {
    return roles.values().stream()
        .filter(r -> r.database.name().equals(name))
        .findFirst()
        .map(
            r -> {
              WriterStatus s = r.status();
              return asleep.contains(r.partition)
                  ? new WriterStatus(s.process(), "asleep", s.problem(), s.active())
                  : s;
            });
  }

  /** Databases held here, by name, with their role's state. */
  Map<String, String> held() {
    Map<String, String> out = new java.util.TreeMap<>();
    roles.values().forEach(r -> out.put(r.database.name(), r.status().role()));
    return out;
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      KafkaConsumer<byte[], byte[]> c = consumer;
      c.pause(partitions);
      // A position polls can resolve without a committed offset (nothing is fetched while paused);
      // the role seeks to its own.
      c.seekToBeginning(partitions);
      Map<TopicPartition, OffsetAndMetadata> committed =
          new HashMap<>(
              pastWakeups(() -> c.committed(Set.copyOf(partitions), Duration.ofSeconds(10))));
      // A write log nothing was ever appended to needs no recovery to be watched: from offset 0.
      LogOffsets.latest(offsets, partitions)
          .forEach(
              (p, end) -> {
                if (end == 0 && committed.get(p) == null) {
                  committed.put(p, new OffsetAndMetadata(0));
                }
              });
      for (TopicPartition p : partitions) {
        Database db = byTopic.get(p.topic());
        if (db == null) {
          continue; // a database dropped since the subscription: the next rebalance takes it away
        }
        OffsetAndMetadata parkedAt = committed.get(p);
        DatabaseRole role = newRole(db, p, parkedAt == null);
        roles.put(p, role);
        if (parkedAt != null) {
          // Parked by its last writer: watch from there; a record brings the role up.
          c.seek(p, parkedAt.offset());
          c.resume(List.of(p));
          positioned.add(p);
          lastLife.put(p, System.nanoTime());
        }
        role.start();
        log.info(
            "database {} is written here now ({})",
            db.key(),
            parkedAt == null ? "recovering" : "parked at " + parkedAt.offset());
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      stopRoles(partitions, "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      stopRoles(partitions, "lost");
    }
  }

  private DatabaseRole newRole(Database db, TopicPartition p, boolean recoverAtOnce) {
    KafkaNames names = db.kafkaNames(config.names());
    return new DatabaseRole(
        db,
        p,
        config.withNames(names),
        db.store(sharedStore),
        clock,
        random.get(),
        metrics,
        liveness,
        roleConsumer,
        parkAfter,
        recoverAtOnce,
        names.database() + "-writer-" + instanceId);
  }

  private void stopRoles(Collection<TopicPartition> partitions, String why) {
    for (TopicPartition p : partitions) {
      DatabaseRole r = roles.remove(p);
      positioned.remove(p);
      flowPaused.remove(p);
      asleep.remove(p);
      lastLife.remove(p);
      if (r != null) {
        log.info("database {}: partition {}; stopping its writer here", r.database.key(), why);
        r.close();
      }
    }
  }

  /** What roles ask of the consumer, run on the poll thread between polls. */
  private final DatabaseRole.Consumer roleConsumer =
      new DatabaseRole.Consumer() {
        @Override
        public void seek(DatabaseRole role, long offset, boolean park) throws InterruptedException {
          onPollThread(
              () -> {
                if (roles.get(role.partition) != role) {
                  throw new IllegalStateException("the partition is no longer this role's");
                }
                role.clearQueue();
                consumer.seek(role.partition, offset);
                consumer.resume(List.of(role.partition));
                positioned.add(role.partition);
                flowPaused.remove(role.partition);
                asleep.remove(role.partition);
                lastLife.put(role.partition, System.nanoTime());
                if (park) {
                  consumer.commitSync(Map.of(role.partition, new OffsetAndMetadata(offset)));
                }
                return null;
              });
        }

        @Override
        public long beginningOffset(TopicPartition p) {
          return LogOffsets.earliest(offsets, p);
        }

        @Override
        public long endOffset(TopicPartition p) {
          return LogOffsets.latest(offsets, p);
        }
      };

  private <T> T onPollThread(Supplier<T> call) throws InterruptedException {
    CompletableFuture<T> done = new CompletableFuture<>();
    commands.add(
        () -> {
          try {
            done.complete(pastWakeups(call));
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      return done.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    }
  }

  /**
   * Runs a blocking call of the consumer again when a wakeup, meant for the poll (a role asking for
   * something), interrupts it instead.
   */
  private static <T> T pastWakeups(Supplier<T> call) {
    while (true) {
      try {
        return call.get();
      } catch (WakeupException e) {
        // the flag is cleared: the call goes through now
      }
    }
  }

  @Override
  public void run() {
    while (running) {
      try {
        member();
      } catch (RuntimeException e) {
        log.error("the writers' group member failed; joining again in a second: {}", e.toString());
        worker.trouble(e.toString());
        stopRoles(List.copyOf(roles.keySet()), "given up");
        Pause.pause(Duration.ofSeconds(1));
      }
    }
    worker.retire();
  }

  private void member() {
    Map<String, Object> c =
        KafkaClients.follower(
            config.bootstrap(), config.names().database() + "-writers-" + instanceId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(config.names()));
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, config.sessionTimeout().toMillis() / 8));
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.groups().maxRecords());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    Set<String> subscribed = new TreeSet<>();
    try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(c);
        Admin admin = KafkaClients.admin(config.bootstrap());
        Wakes wakeLog =
            new Wakes(
                config.bootstrap(),
                config.names(),
                config.names().database() + "-writer-wakes-" + instanceId,
                this::woken)) {
      wakes = wakeLog;
      offsets = admin;
      consumer = kafka;
      Listener listener = new Listener();
      long nextCatalogLook = 0;
      try {
        while (running) {
          worker.beat();
          if (System.nanoTime() - nextCatalogLook >= 0) {
            nextCatalogLook = System.nanoTime() + 1_000_000_000L;
            Set<String> wanted = new TreeSet<>();
            for (Database d : catalog.live()) {
              if (!d.isDefault()) {
                String topic = d.kafkaNames(config.names()).writes();
                byTopic.put(topic, d);
                wanted.add(topic);
              }
            }
            if (!wanted.equals(subscribed)) {
              if (wanted.isEmpty()) {
                kafka.unsubscribe();
                stopRoles(List.copyOf(roles.keySet()), "no databases left");
              } else {
                kafka.subscribe(wanted, listener);
              }
              subscribed = wanted;
            }
          }
          for (Runnable r; (r = commands.poll()) != null; ) {
            r.run();
          }
          sleepAndWake(kafka);
          if (subscribed.isEmpty()) {
            Pause.pause(Duration.ofMillis(200));
            continue;
          }
          ConsumerRecords<byte[], byte[]> records;
          try {
            records = kafka.poll(Duration.ofMillis(200));
          } catch (WakeupException e) {
            continue; // a role asked for something
          }
          for (TopicPartition p : records.partitions()) {
            lastLife.put(p, System.nanoTime());
            DatabaseRole role = roles.get(p);
            if (role != null && positioned.contains(p)) {
              role.offer(records.records(p));
            }
          }
          flowControl(kafka);
        }
      } finally {
        stopRoles(List.copyOf(roles.keySet()), "the member leaves");
        consumer = null;
        for (Runnable r; (r = commands.poll()) != null; ) {
          r.run(); // fails: the roles are gone
        }
      }
    }
  }

  /** A wake for a write log asleep here has the poll thread look at once. */
  private void woken(String writeLog) {
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null && asleep.contains(new TopicPartition(writeLog, 0))) {
      c.wakeup();
    }
  }

  /**
   * Stops fetching the partitions of roles parked and quiet for another park interval (no record,
   * no wake), and fetches again those woken or whose write log grew all the same.
   */
  private void sleepAndWake(KafkaConsumer<byte[], byte[]> kafka) {
    long now = System.nanoTime();
    List<TopicPartition> sleep = new ArrayList<>();
    List<TopicPartition> wake = new ArrayList<>();
    for (DatabaseRole r : roles.values()) {
      TopicPartition p = r.partition;
      if (!positioned.contains(p) || flowPaused.contains(p)) {
        continue;
      }
      boolean quiet =
          r.state() == DatabaseRole.State.PARKED
              && r.queuedBytes() == 0
              && now - lastLife.computeIfAbsent(p, k -> now) > parkAfter.toNanos()
              && !wakes.wokenWithin(p.topic(), parkAfter);
      if (quiet && asleep.add(p)) {
        sleep.add(p);
      } else if (!quiet && asleep.remove(p)) {
        wake.add(p);
      }
    }
    if (now - nextLookAtSleepers >= 0) {
      nextLookAtSleepers = now + parkAfter.toNanos();
      List<TopicPartition> sleeping = asleep.stream().filter(p -> !sleep.contains(p)).toList();
      if (!sleeping.isEmpty()) {
        try {
          LogOffsets.latest(offsets, sleeping)
              .forEach(
                  (p, end) -> {
                    if (end > pastWakeups(() -> kafka.position(p)) && asleep.remove(p)) {
                      log.info("write log {}: records came without a wake; fetching it", p.topic());
                      lastLife.put(p, now);
                      wake.add(p);
                    }
                  });
        } catch (KafkaException e) {
          // A dropped database's log among them, or the broker away: the next look tries again.
          log.warn(
              "could not look at the ends of {} write logs asleep: {}",
              sleeping.size(),
              e.getCause() == null ? e.toString() : e.getCause().toString());
        }
      }
    }
    if (!sleep.isEmpty()) {
      kafka.pause(sleep);
    }
    if (!wake.isEmpty()) {
      kafka.resume(wake);
    }
  }

  /** Pauses a partition whose role has a full queue; resumes it once the role caught up. */
  private void flowControl(KafkaConsumer<byte[], byte[]> kafka) {
    long bound = config.groups().maxBytes();
    List<TopicPartition> pause = new ArrayList<>();
    List<TopicPartition> resume = new ArrayList<>();
    for (DatabaseRole r : roles.values()) {
      TopicPartition p = r.partition;
      if (!positioned.contains(p)) {
        continue;
      }
      if (r.queuedBytes() > bound && flowPaused.add(p)) {
        pause.add(p);
      } else if (r.queuedBytes() < bound / 2 && flowPaused.remove(p)) {
        resume.add(p);
      }
    }
    if (!pause.isEmpty()) {
      kafka.pause(pause);
    }
    if (!resume.isEmpty()) {
      kafka.resume(resume);
    }
  }

  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }
}
