package io.objectkv.writer;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.writer.commit.WriteLog;
import io.objectkv.writer.decide.Decider;
import io.objectkv.writer.decide.LogGapException;
import io.objectkv.writer.decide.RequestBook;
import io.objectkv.writer.recover.WarmStandby;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer process: a member of the database's writer group. The member that owns partition 0 of
 * the write log is the active writer ({@link ActiveWriter}); the others are standbys that wait in
 * the group and take over when it leaves or goes silent. Any failure of the active role ends it;
 * the process rejoins as a standby and may win the partition again. A write log that lost records
 * the manifest has not applied makes every writer refuse the role: the process stays up, unhealthy,
 * saying why.
 */
public final class Writer implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Writer.class);

  /** What this process is doing now: one state at a time. */
  public sealed interface State {
    /** In the group, waiting for the write log's partition. */
    record Standby() implements State {}

    /** Won the partition; fencing and recovering. */
    record Recovering() implements State {}

    /** Deciding and committing groups; {@code status} as of the last one. */
    record Active(WriterStatus.Active status) implements State {}

    /** Will not be active: the write log cannot continue the manifest. */
    record Refused(String why) implements State {}

    /** Closed. */
    record Stopped() implements State {}
  }

  /**
   * Whether this member owns partition 0, as the group's rebalances say. An assigned partition is
   * paused until the active writer has sought to the position its manifest gives: the group's
   * committed offset is not what it resumes from, and a partition with none must not fail a poll.
   */
  private static final class Ownership implements ConsumerRebalanceListener {
    private final TopicPartition p0;
    private final Consumer<?, ?> consumer;
    private volatile boolean owned;

    /**
     * Times partition 0 was assigned to this member. An active role belongs to one assignment: a
     * new one (after a broker restart the coordinator may revoke and assign it again between two
     * polls) paused the partition and reset its position, so the role must recover.
     */
    private volatile int assignments;

    Ownership(TopicPartition p0, Consumer<?, ?> consumer) {
      this.p0 = p0;
      this.consumer = consumer;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return; // a cooperative rebalance that gave us nothing new (seekToBeginning of an empty
        // collection would seek every assigned partition)
      }
      consumer.pause(partitions);
      // A position the standby's polls can resolve without a committed offset (nothing is fetched
      // while paused); the active writer seeks to its own.
      consumer.seekToBeginning(partitions);
      if (partitions.contains(p0)) {
        owned = true;
        assignments++;
        log.info("assigned the write log partition {}", p0);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.contains(p0)) {
        owned = false;
        log.info("the write log partition {} was revoked", p0);
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (partitions.contains(p0)) {
        owned = false;
        log.info("the write log partition {} was lost", p0);
      }
    }
  }

  private final WriterConfig config;
  private final ObjectStore store;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final WriterMetrics metrics;
  private final String instanceId;
  private final Liveness.Worker worker;
  private volatile boolean running = true;
  private volatile State state = new State.Standby();
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  /** The standby's state, kept warm for a fast take-over (null until built, or after a failure). */
  private WarmStandby warm;

  /** When building the warm state may be tried again after a failure (System.nanoTime). */
  private long warmRetryAt;

  public Writer(
      WriterConfig config,
      ObjectStore store,
      InstantSource clock,
      RandomGenerator random,
      Metrics metrics,
      Liveness liveness,
      String instanceId) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.metrics = new WriterMetrics(metrics);
    this.instanceId = instanceId;
    // Recovery reads the manifest log for up to a minute; any other step beats far more often.
    this.worker = liveness.worker("writer", Duration.ofSeconds(90));
    metrics.gauge(
        "objectkv_writer_active",
        "1 while this process is the active writer.",
        () -> isActive() ? 1 : 0);
  }

  public State state() {
    return state;
  }

  public boolean isActive() {
    return state instanceof State.Active;
  }

  /**
   * Write batches committed since the process started, by every writer sharing its metrics (the
   * roles of the other databases too).
   */
  public long committedWrites() {
    return metrics.tally(Decider.Tally.COMMITTED).get();
  }

  public WriterStatus status() {
    State s = state;
    String role =
        switch (s) {
          case State.Standby x -> "standby";
          case State.Recovering x -> "recovering";
          case State.Active x -> "active";
          case State.Refused x -> "refused";
          case State.Stopped x -> "stopped";
        };
    return new WriterStatus(
        "writer",
        role,
        s instanceof State.Refused r ? r.why() : "",
        s instanceof State.Active a ? a.status() : null);
  }

  @Override
  public void run() {
    while (running) {
      try {
        member();
      } catch (WakeupException e) {
        // close() interrupted a poll
      } catch (LogGapException e) {
        log.error("refusing to be the active writer: {}", e.getMessage());
        state = new State.Refused(e.getMessage());
        worker.dead(e.getMessage());
        return;
      } catch (InvalidSessionTimeoutException e) {
        log.error(
            "the Kafka brokers refuse the session timeout {} (OBJECTKV_WRITER_SESSION_TIMEOUT): set"
                + " group.min.session.timeout.ms on the brokers to at most that, or raise the"
                + " setting; retrying: {}",
            config.sessionTimeout(),
            e.toString());
        worker.trouble(e.toString());
        Pause.pause(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.error("writer role ended; rejoining as a standby: {}", e.toString(), e);
        worker.trouble(e.toString());
        Pause.pause(Duration.ofSeconds(1));
      } finally {
        if (!(state instanceof State.Refused)) {
          state = running ? new State.Standby() : new State.Stopped();
        }
      }
    }
    state = new State.Stopped();
    dropWarm();
    worker.retire();
  }

  private void member() {
    TopicPartition p0 = new TopicPartition(config.names().writes(), 0);
    Map<String, Object> c =
        KafkaClients.follower(
            config.bootstrap(), config.names().database() + "-writer-" + instanceId);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, config.names().writerGroup());
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    // The coordinator tells a standby of a rebalance in its answer to a heartbeat: beats a small
    // share of the session apart keep that news from adding much to a failover.
    c.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(100, config.sessionTimeout().toMillis() / 8));
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.groups().maxRecords());
    c.put(
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
        (int) Math.min(Integer.MAX_VALUE, Math.max(config.groups().maxBytes(), 8L << 20)));
    // Never jump over records the manifest has not applied: a missing offset is an error.
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(c)) {
      consumer = kafka;
      Ownership ownership = new Ownership(p0, kafka);
      kafka.subscribe(List.of(config.names().writes()), ownership);
      ActiveWriter active = null;
      int activeAssignment = -1;
      try {
        while (running) {
          // A standby beats as it waits; an active writer only while its partition is not paused
          // (a paused one makes no progress: see Ownership).
          if (active == null || kafka.paused().isEmpty()) {
            worker.beat();
          }
          if (active == null) {
            kafka.poll(Duration.ofMillis(200)); // standby: stay in the group
            keepWarm();
            if (ownership.owned) {
              activeAssignment = ownership.assignments;
              state = new State.Recovering();
              active =
                  new ActiveWriter(
                      config,
                      store,
                      WriteLog.of(kafka, p0),
                      clock,
                      random,
                      metrics,
                      config.names().database() + "-writer-" + instanceId,
                      warm);
              warm = null; // the active writer took it over
              state = new State.Active(active.status());
            }
            continue;
          }
          List<ConsumerRecord<byte[], byte[]>> group = active.nextGroup();
          if (!ownership.owned || ownership.assignments != activeAssignment) {
            log.warn(
                ownership.owned
                    ? "the write log partition was assigned anew; recovering the active role"
                    : "lost the write log partition; giving up the active role");
            active.close();
            active = null;
            state = new State.Standby();
            continue;
          }
          if (group.isEmpty()) {
            active.idle();
          } else {
            active.process(group);
          }
          state = new State.Active(active.status());
        }
      } finally {
        if (active != null) {
          active.close();
        }
        consumer = null;
      }
    }
  }

  /**
   * Builds the standby's state, or brings it up to date. A failure drops it (the take-over then
   * recovers cold); it is built again on a later round.
   */
  private void keepWarm() {
    if (warm == null && System.nanoTime() - warmRetryAt < 0) {
      return; // it failed a moment ago (the store or the log is down): do not hammer them
    }
    try {
      if (warm == null) {
        warm =
            WarmStandby.start(
                store,
                config.bootstrap(),
                config.names(),
                s -> RequestBook.of(s, config.decisions()),
                tables(store, config));
      }
      warm.follow(Duration.ZERO);
    } catch (RuntimeException e) {
      log.warn("the standby's warm state failed; building it again in 5 s: {}", e.toString());
      dropWarm();
      warmRetryAt = System.nanoTime() + 5_000_000_000L;
    }
  }

  private void dropWarm() {
    if (warm != null) {
      warm.close();
      warm = null;
    }
  }

  /** The table cache of a writer's committed view (and of a warm standby). */
  static TableCache tables(ObjectStore store, WriterConfig config) {
    return new TableCache(new StoreRangeFetcher(store), new BlockCache(config.blockCacheBytes()));
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
