package io.objectkv.writer;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.writer.commit.WriteLog;
import io.objectkv.writer.decide.LogGapException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of one database for as long as this process's member of the writers' group holds its
 * write log's partition ({@link SharedWriters}). It recovers and runs an {@link ActiveWriter} while
 * records come, and parks when they stop: the active writer is closed, nothing is read from the
 * object store, and the partition is watched from the position after the last applied record. The
 * next record brings it back (recovery fences any other writer, as on failover). Its records come
 * through a queue the group's poll thread fills; what it asks of the consumer, the poll thread
 * does.
 */
final class DatabaseRole implements Runnable, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseRole.class);

  /**
   * What a role asks of the group's consumer: seeks run on its poll thread; where a partition
   * begins and ends is asked on a connection without a fetch waiting (see {@code LogOffsets}).
   */
  interface Consumer {
    /**
     * Discards queued records and reads from {@code offset}; when parking, also records the offset
     * as the group's, where the next owner of the partition watches from.
     */
    void seek(DatabaseRole role, long offset, boolean park) throws InterruptedException;

    long beginningOffset(TopicPartition p);

    long endOffset(TopicPartition p);
  }

  /** The role's state, as the writer's status reports it. */
  enum State {
    RECOVERING,
    ACTIVE,
    PARKED,
    REFUSED,
    STOPPED
  }

  final Database database;
  final TopicPartition partition;
  private final WriterConfig config;
  private final ObjectStore store;
  private final InstantSource clock;
  private final RandomGenerator random;
  private final WriterMetrics metrics;
  private final Liveness.Worker worker;
  private final Consumer consumer;
  private final Duration parkAfter;
  private final String clientId;
  private final LinkedBlockingDeque<ConsumerRecord<byte[], byte[]>> queue =
      new LinkedBlockingDeque<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile State state;
  private volatile String problem = "";
  private volatile WriterStatus.Active lastStatus;

  DatabaseRole(
      Database database,
      TopicPartition partition,
      WriterConfig config,
      ObjectStore store,
      InstantSource clock,
      RandomGenerator random,
      WriterMetrics metrics,
      Liveness liveness,
      Consumer consumer,
      Duration parkAfter,
      boolean recoverAtOnce,
      String clientId) {
    this.state = recoverAtOnce ? State.RECOVERING : State.PARKED;
    this.database = database;
    this.partition = partition;
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.random = random;
    this.metrics = metrics;
    this.worker = liveness.worker("writer of database " + database.name(), Duration.ofSeconds(90));
    this.consumer = consumer;
    this.parkAfter = parkAfter;
    this.clientId = clientId;
    // A platform thread: the active writer blocks in S3 and Kafka clients that pin a virtual
    // thread's carrier, and two pinned roles would stall every other on two cores.
    this.thread = Thread.ofPlatform().name("writer-" + database.name()).daemon().unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Called by the poll thread with the records it fetched for this partition. */
  void offer(List<ConsumerRecord<byte[], byte[]>> records) {
    for (ConsumerRecord<byte[], byte[]> r : records) {
      queuedBytes.addAndGet(Math.max(0, r.serializedValueSize()));
      queue.add(r);
    }
  }

  long queuedBytes() {
    return queuedBytes.get();
  }

  /** Called by the poll thread when it seeks: what was queued is from before the new position. */
  void clearQueue() {
    queue.clear();
    queuedBytes.set(0);
  }

  State state() {
    return state;
  }

  WriterStatus status() {
    String role =
        switch (state) {
          case RECOVERING -> "recovering";
          case ACTIVE -> "active";
          case PARKED -> "parked";
          case REFUSED -> "refused";
          case STOPPED -> "stopped";
        };
    return new WriterStatus("writer", role, problem, state == State.ACTIVE ? lastStatus : null);
  }

  /** The partition as this role's active writer reads it. */
  private final WriteLog writeLog =
      new WriteLog() {
        @Override
        public TopicPartition partition() {
          return partition;
        }

        @Override
        public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
          List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
          try {
            ConsumerRecord<byte[], byte[]> first =
                queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (first != null) {
              out.add(first);
              queue.drainTo(out);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the role is closing", e);
          }
          long bytes = 0;
          for (ConsumerRecord<byte[], byte[]> r : out) {
            bytes += Math.max(0, r.serializedValueSize());
          }
          queuedBytes.addAndGet(-bytes);
          return out;
        }

        @Override
        public void seek(long offset) {
          call(() -> consumer.seek(DatabaseRole.this, offset, false));
        }

        @Override
        public long beginningOffset() {
          return consumer.beginningOffset(partition);
        }

        @Override
        public long endOffset() {
          return consumer.endOffset(partition);
        }
      };

  private interface Call {
    void run() throws InterruptedException;
  }

  private static void call(Call c) {
    try {
      c.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the role is closing", e);
    }
  }

  @Override
  public void run() {
    ActiveWriter active = null;
    long quietSince = System.nanoTime();
    try {
      while (running) {
        worker.beat();
        try {
          if (active == null) {
            if (state == State.PARKED) {
              // Parked: wait for a record (beating now and then), then recover for it.
              ConsumerRecord<byte[], byte[]> next = queue.pollFirst(30, TimeUnit.SECONDS);
              if (next == null) {
                continue;
              }
              queue.putFirst(next);
            }
            state = State.RECOVERING;
            active =
                new ActiveWriter(config, store, writeLog, clock, random, metrics, clientId, null);
            lastStatus = active.status();
            state = State.ACTIVE;
            quietSince = System.nanoTime();
          }
          var group = active.nextGroup();
          if (group.isEmpty()) {
            active.idle();
            if (System.nanoTime() - quietSince > parkAfter.toNanos() && active.settled()) {
              long next = active.nextOffset();
              active.close();
              active = null;
              consumer.seek(this, next, true);
              state = State.PARKED;
              log.info("database {} parked at offset {}", database.key(), next);
            }
          } else {
            active.process(group);
            quietSince = System.nanoTime();
          }
          if (active != null) {
            lastStatus = active.status();
          }
        } catch (LogGapException e) {
          log.error("refusing to write database {}: {}", database.key(), e.getMessage());
          problem = e.getMessage();
          state = State.REFUSED;
          worker.dead(e.getMessage());
          return;
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          if (!running) {
            return;
          }
          log.error(
              "the writer of database {} failed; recovering: {}", database.key(), e.toString());
          worker.trouble(e.toString());
          if (active != null) {
            active.close();
            active = null;
          }
          state = State.RECOVERING;
          Thread.sleep(1000);
        }
      }
    } catch (InterruptedException e) {
      // closing
    } finally {
      if (active != null) {
        active.close();
      }
      if (state != State.REFUSED) {
        state = State.STOPPED;
      }
      worker.retire();
    }
  }

  /** Stops the role: its partition was revoked, or the process stops. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
