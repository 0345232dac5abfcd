package io.objectkv.gateway.write;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.log.Replies;
import io.objectkv.core.log.Reply;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.format.FormatException;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes batches to the write log and completes each request when its outcome comes back in the
 * manifest delta that commits it (see {@link Replies}). Many gateways can run at once: each has its
 * own id and keeps only its outcomes.
 */
public final class WriteClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteClient.class);

  private final KafkaNames names;
  private final String gatewayId;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> manifestLog;
  private final Thread listener;
  private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Expiry> expiries = new ConcurrentLinkedQueue<>();
  private final AtomicLong correlation = new AtomicLong();
  private final Metrics.Histogram ackSeconds;
  private final Metrics.Histogram publishSeconds;
  private final Metrics.Counter timeouts;
  private final Duration timeout;
  private final InstantSource clock;
  private final ProducerRecord<byte[], byte[]> wake;
  private final AtomicLong lastSignalNanos;
  private volatile long seenEnd;
  private volatile boolean running = true;

  /**
   * A write after this long without a write of this client reaching the log, or a wake, wakes the
   * database's writer (see {@link KafkaNames#wake()}): a writer fetches a database's write log for
   * a while after its last record or wake, far longer than this.
   */
  static final Duration WAKE_AFTER_QUIET = Duration.ofSeconds(1);

  /** A batch waiting for its outcome: the batch names the key of a failed condition. */
  private record Pending(WriteBatch batch, CompletableFuture<Outcome> outcome) {}

  /**
   * When a pending write stops waiting (System.nanoTime). Every write waits the same timeout, so
   * the queue holds them in the order they expire (to within the microseconds between submits that
   * race): the listener expires them from its head, between its polls. A timer per write (one
   * {@code orTimeout} each) woke the common pool's delay scheduler about once per write to set it
   * and cancel it: without it the gateway used a fifth less CPU per write at 64 clients.
   */
  private record Expiry(long id, long atNanos) {}

  /** Longest a request waits for Kafka to take a record before it is answered 503. */
  private static final Duration MAX_BLOCK = Duration.ofSeconds(2);

  /**
   * The write log did not take the batch. {@code mayBeApplied} is false when the record certainly
   * never reached it (it was never sent, or the broker refused it whole), true when it may have
   * been appended all the same (a timeout, a lost answer): then only its deadline bounds when it
   * can still be applied.
   */
  public static final class PublishFailed extends RuntimeException {
    private final boolean mayBeApplied;

    PublishFailed(String message, Throwable cause, boolean mayBeApplied) {
      super(message, cause);
      this.mayBeApplied = mayBeApplied;
    }

    public boolean mayBeApplied() {
      return mayBeApplied;
    }
  }

  /** Failures the broker reports only for records it did not append. */
  private static boolean certainlyNotAppended(Exception e) {
    return e instanceof RecordTooLargeException
        || e instanceof RecordBatchTooLargeException
        || e instanceof InvalidRecordException
        || e instanceof InvalidTopicException
        || e instanceof AuthorizationException;
  }

  /**
   * @param timeout how long a write waits for its outcome: also its deadline (a record that reaches
   *     the log later is not applied) and the producer's delivery timeout, so no copy of a record
   *     outlives the wait for it
   * @param wakeLog where to wake the database's writer after a quiet second; empty for a database
   *     whose writer always fetches its write log (the default one)
   */
  public WriteClient(
      String bootstrap,
      KafkaNames names,
      Optional<String> wakeLog,
      String gatewayId,
      Duration timeout,
      InstantSource clock,
      Metrics metrics) {
    this.names = names;
    this.gatewayId = gatewayId;
    this.timeout = timeout;
    this.clock = clock;
    this.wake =
        wakeLog
            .map(
                topic ->
                    new ProducerRecord<>(
                        topic, 0, names.writes().getBytes(StandardCharsets.UTF_8), new byte[0]))
            .orElse(null);
    this.lastSignalNanos = new AtomicLong(System.nanoTime() - WAKE_AFTER_QUIET.toNanos() - 1);
    Map<String, Object> p =
        KafkaClients.producer(bootstrap, names.database() + "-gateway-" + gatewayId);
    // No linger: under load, records batch up behind in-flight requests anyway.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    int deliveryMs = (int) Math.max(2_000, timeout.toMillis());
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, deliveryMs / 2);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
    // With Kafka unreachable, send() waits this long for metadata before failing: answer quickly.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.min(deliveryMs, MAX_BLOCK.toMillis()));
    this.producer = new KafkaProducer<>(p);
    this.manifestLog =
        new KafkaConsumer<>(
            KafkaClients.follower(
                bootstrap,
                names.database() + "-gateway-replies-" + gatewayId,
                KafkaClients.FORWARD_FETCH_WAIT));
    TopicPartition tp = new TopicPartition(names.manifest(), 0);
    manifestLog.assign(List.of(tp));
    manifestLog.seekToEnd(List.of(tp));
    // Resolve the end now: the deltas of requests sent from here on are all seen.
    manifestLog.position(tp);
    this.ackSeconds =
        metrics.histogram(
            "objectkv_gateway_write_seconds", "Time from publishing a batch to its outcome.");
    this.publishSeconds =
        metrics.histogram(
            "objectkv_gateway_publish_seconds", "Time for the write log to accept a batch.");
    this.timeouts =
        metrics.counter(
            "objectkv_gateway_write_timeouts_total",
            "Writes whose outcome did not arrive in time.");
    metrics.gauge(
        "objectkv_gateway_pending_writes", "Writes waiting for their outcome.", pending::size);
    this.listener = Thread.ofPlatform().name("replies-" + gatewayId).daemon().start(this::listen);
  }

  /** Time from publishing a batch to its outcome, for every write this gateway sent. */
  public Metrics.Histogram ackSeconds() {
    return ackSeconds;
  }

  public String gatewayId() {
    return gatewayId;
  }

  public int pendingCount() {
    return pending.size();
  }

  /**
   * The manifest-log offset after the last record this client has read: every write it acknowledged
   * has its delta below.
   */
  public long seenEnd() {
    return seenEnd;
  }

  /**
   * Publishes {@code batch} and returns its outcome, completed exceptionally with {@link
   * PublishFailed} or a {@code TimeoutException} once the timeout passed: its deadline, after which
   * the writer will not apply it.
   */
  public CompletableFuture<Outcome> submit(WriteBatch batch) {
    long id = correlation.incrementAndGet();
    long start = System.nanoTime();
    long deadline = clock.millis() + timeout.toMillis();
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    pending.put(id, new Pending(batch, outcome));
    expiries.add(new Expiry(id, start + timeout.toNanos()));
    byte[] value = LogCodec.encode(new LogCommand.ClientBatch(gatewayId, id, deadline, batch));
    byte[] key =
        batch.requestId() == null ? null : batch.requestId().getBytes(StandardCharsets.UTF_8);
    try {
      producer.send(
          new ProducerRecord<>(names.writes(), 0, key, value),
          (meta, e) -> {
            if (e == null) {
              publishSeconds.observeNanos(System.nanoTime() - start);
              lastSignalNanos.accumulateAndGet(start, Math::max);
            } else {
              pending.remove(id);
              outcome.completeExceptionally(
                  new PublishFailed(
                      "the write log did not confirm the batch: " + e.getMessage(),
                      e,
                      !certainlyNotAppended(e)));
            }
          });
      wakeAfterQuiet(start);
    } catch (RuntimeException e) {
      // send() failed before handing the record over (no metadata in time, buffer full, closed)
      pending.remove(id);
      outcome.completeExceptionally(
          new PublishFailed(
              "the write log is unreachable: " + e.getMessage(), e, /* mayBeApplied= */ false));
    }
    return outcome.whenComplete(
        (o, e) -> {
          pending.remove(id);
          if (e == null) {
            ackSeconds.observeNanos(System.nanoTime() - start);
          } else if (e instanceof TimeoutException) {
            timeouts.inc();
          }
        });
  }

  /** Longest the listener waits for a delta while no pending write expires sooner. */
  private static final Duration LISTEN_WAIT = Duration.ofMillis(500);

  /**
   * Lets go of the writes that were answered and answers those whose timeout passed.
   *
   * @return how long the listener may wait for a delta before the next write expires
   */
  private Duration expire() {
    long now = System.nanoTime();
    for (Expiry e; (e = expiries.peek()) != null; expiries.poll()) {
      Pending p = pending.get(e.id());
      if (p == null) {
        continue; // answered
      }
      long left = e.atNanos() - now;
      if (left > 0) {
        return Duration.ofNanos(Math.min(LISTEN_WAIT.toNanos(), Math.max(left, 1_000_000)));
      }
      p.outcome()
          .completeExceptionally(
              new TimeoutException("no outcome within " + timeout.toMillis() + " ms"));
    }
    return LISTEN_WAIT;
  }

  /**
   * Names the database on the wake log if neither a write of this client reached the write log nor
   * a wake was sent in the last second. A lost wake costs time, not writes: the writer also looks
   * at the ends of the write logs it does not fetch now and then.
   */
  private void wakeAfterQuiet(long now) {
    long last = lastSignalNanos.get();
    if (wake != null
        && now - last > WAKE_AFTER_QUIET.toNanos()
        && lastSignalNanos.compareAndSet(last, now)) {
      producer.send(
          wake,
          (meta, e) -> {
            if (e != null) {
              log.debug("could not wake the writer of {}: {}", names.database(), e.toString());
            }
          });
    }
  }

  private void listen() {
    while (running) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : manifestLog.poll(expire())) {
          seenEnd = r.offset() + 1; // set before the answers it carries go out
          Replies replies;
          try {
            replies = ManifestCodec.decodeReplies(names.manifest() + "@" + r.offset(), r.value());
          } catch (FormatException e) {
            log.warn("skipping an undecodable manifest-log record: {}", e.getMessage());
            continue;
          }
          if (!replies.countsAt(r.offset())) {
            continue; // a fence, or a delta that may not count: its writer gives up the role
          }
          for (Reply reply : replies.replies()) {
            if (reply.replyTo().equals(gatewayId)) {
              Pending p = pending.get(reply.correlationId());
              if (p != null) {
                p.outcome().complete(reply.outcome().namedFor(p.batch()));
              }
            }
          }
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        log.error("reply listener failed; retrying: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    manifestLog.wakeup();
    try {
      listener.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    KafkaClients.closeFollower(manifestLog);
    producer.close(Duration.ofSeconds(5));
    // Nobody listens for their outcomes any more: their writes may still be applied.
    for (Pending p : pending.values()) {
      p.outcome().completeExceptionally(new TimeoutException("the gateway is stopping"));
    }
  }
}
