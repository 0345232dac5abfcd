package io.objectkv.runtime.cluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.LogOffsets;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's databases, as the compacted topic {@code <deployment>.databases} records them:
 * one record per incarnation (key {@code name/id}), rewritten with {@code droppedAt} when it is
 * dropped and removed once its objects and topics are gone. Followed on a thread of its own.
 *
 * <p>Creating is a race any number of gateways may run at once, decided by the topic's order: each
 * appends an incarnation, reads the topic up to it, and the first live incarnation of the name
 * wins; a loser drops its own at once.
 */
public final class Catalog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Catalog.class);

  /** How long a caller waits for the catalog to catch up with the topic. */
  public static final Duration SYNC_TIMEOUT = Duration.ofSeconds(10);

  /** The stored form of an incarnation. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Stored(String name, String id, String createdAt, String droppedAt) {
    static Stored of(Database d) {
      return new Stored(
          d.name(),
          d.id(),
          d.createdAt().toString(),
          d.droppedAt() == null ? null : d.droppedAt().toString());
    }

    Database database() {
      return new Database(
          name, id, Instant.parse(createdAt), droppedAt == null ? null : Instant.parse(droppedAt));
    }
  }

  /** An incarnation and the offset of its first record (which orders a creation race). */
  private record Seen(Database database, long firstOffset) {}

  private final KafkaNames deployment;
  private final String bootstrap;
  private final String clientId;
  private final Optional<Short> replication;

  /** Made on the follow thread: making a consumer is not on a process's way to serving. */
  private volatile Consumer<byte[], byte[]> consumer;

  private final TopicPartition partition;
  private final Map<String, Seen> incarnations = new ConcurrentHashMap<>();
  private volatile SortedMap<String, Database> winners = Collections.emptySortedMap();
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> syncs =
      new ConcurrentLinkedQueue<>();
  private final SecureRandom random = new SecureRandom();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long position;
  private Producer<byte[], byte[]> producer;
  private Admin admin;

  private Catalog(String bootstrap, KafkaNames deployment, Optional<Short> replication, String id) {
    this.deployment = deployment;
    this.bootstrap = bootstrap;
    this.replication = replication;
    this.clientId = id;
    this.partition = new TopicPartition(deployment.catalog(), 0);
    this.thread = Thread.ofPlatform().name("catalog").daemon().start(this::run);
  }

  /**
   * Follows the catalog of the deployment whose default database has {@code deployment}'s names
   * (its topics must exist: see {@link TopicSetup#ensureTopics}).
   */
  public static Catalog follow(
      String bootstrap, KafkaNames deployment, Optional<Short> replication, String clientId) {
    return new Catalog(bootstrap, deployment, replication, clientId);
  }

  public KafkaNames deployment() {
    return deployment;
  }

  /** The live incarnation of {@code name} as far as the catalog has been read. */
  public Optional<Database> live(String name) {
    return Optional.ofNullable(winners.get(name));
  }

  /**
   * As {@link #live(String)}; when the name is unknown, reads the catalog to its end first (another
   * gateway may have just created it).
   */
  public Optional<Database> liveOrSync(String name) {
    Optional<Database> d = live(name);
    if (d.isPresent()) {
      return d;
    }
    sync();
    return live(name);
  }

  /** Every live database (the winners of their names), by name. */
  public List<Database> live() {
    return List.copyOf(winners.values());
  }

  /**
   * Recomputes the winner of each name (its first live incarnation in the topic's order) after the
   * follow thread read records, so a request's lookup is one map read however many databases.
   */
  private void indexWinners() {
    Map<String, Seen> first = new TreeMap<>();
    for (Seen s : incarnations.values()) {
      if (s.database().live()) {
        first.merge(s.database().name(), s, (a, b) -> a.firstOffset() <= b.firstOffset() ? a : b);
      }
    }
    SortedMap<String, Database> out = new TreeMap<>();
    first.forEach((name, seen) -> out.put(name, seen.database()));
    winners = Collections.unmodifiableSortedMap(out);
  }

  /** Incarnations that were dropped (or lost a creation race) and whose data is still stored. */
  public List<Database> dropped() {
    List<Database> out = new ArrayList<>();
    for (Seen s : incarnations.values()) {
      if (!s.database().live()) {
        out.add(s.database());
      }
    }
    return out;
  }

  /** Waits until everything appended to the catalog before this call has been read. */
  public void sync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    syncs.add(done);
    wakeup();
    try {
      done.get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CatalogUnavailableException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new CatalogUnavailableException(
          "cannot read the catalog of databases (" + partition + "): " + e, e);
    }
  }

  /** What {@link #create} did. */
  public record Created(Database database, boolean isNew) {}

  /**
   * Creates the database unless it exists; makes its topics first. Calls run side by side (the
   * topic's order decides a race here as between gateways), so creating many takes no longer than
   * their topics take to make.
   */
  public Created create(String name) {
    sync();
    Optional<Database> existing = live(name);
    if (existing.isPresent()) {
      return new Created(existing.get(), false);
    }
    Database mine =
        new Database(
            name,
            name.equals(Database.DEFAULT) ? "" : newId(),
            Instant.ofEpochMilli(System.currentTimeMillis()),
            null);
    if (!mine.isDefault()) {
      TopicSetup.ensureDatabaseTopics(admin(), mine.kafkaNames(deployment), replication);
    }
    append(mine);
    sync();
    Database winner = live(name).orElseThrow();
    if (!winner.id().equals(mine.id())) {
      append(mine.dropped(Instant.now())); // lost the race: its empty topics go with the garbage
      return new Created(winner, false);
    }
    return new Created(mine, true);
  }

  /** Drops the live database of that name; false if there was none. */
  public boolean drop(String name) {
    sync();
    Optional<Database> d = live(name);
    if (d.isEmpty()) {
      return false;
    }
    append(d.get().dropped(Instant.now()));
    sync();
    return true;
  }

  /** Forgets an incarnation whose objects and topics are gone. */
  public void purge(Database dropped) {
    if (dropped.live()) {
      throw new IllegalArgumentException("purging a live database: " + dropped);
    }
    send(new ProducerRecord<>(partition.topic(), key(dropped), null));
  }

  private void append(Database d) {
    try {
      send(
          new ProducerRecord<>(
              partition.topic(), key(d), Json.MAPPER.writeValueAsBytes(Stored.of(d))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Completes the syncs waiting once everything before {@code end} has been read. */
  private void completeIfRead(List<CompletableFuture<Void>> waiting, long end) {
    if (!waiting.isEmpty() && position >= end) {
      waiting.forEach(f -> f.complete(null));
      waiting.clear();
    }
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = KafkaClients.admin(bootstrap);
    }
    return admin;
  }

  private synchronized Producer<byte[], byte[]> producer() {
    if (producer == null) {
      producer =
          new KafkaProducer<>(
              KafkaClients.producer(bootstrap, deployment.database() + "-catalog-writer"));
    }
    return producer;
  }

  private void send(ProducerRecord<byte[], byte[]> record) {
    try {
      producer().send(record).get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CatalogUnavailableException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new CatalogUnavailableException("cannot append to " + partition + ": " + e, e);
    }
  }

  private static byte[] key(Database d) {
    return d.key().getBytes(StandardCharsets.UTF_8);
  }

  private String newId() {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(10);
    for (int i = 0; i < 10; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private void wakeup() {
    Consumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  private void run() {
    // An idle fetch waits 5 s at the broker; an appended record ends it at once, so a sync waits
    // no longer for it.
    consumer =
        new KafkaConsumer<>(
            KafkaClients.follower(bootstrap, clientId, KafkaClients.FORWARD_FETCH_WAIT));
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    long end = -1;
    while (running) {
      try {
        boolean asked = false;
        for (CompletableFuture<Void> f; (f = syncs.poll()) != null; ) {
          waiting.add(f);
          asked = true;
        }
        if (asked) {
          // Asked on the admin client's connection: the consumer's request would wait behind its
          // fetch, up to 5 s per sync.
          end = LogOffsets.latest(admin(), partition);
        }
        completeIfRead(waiting, end);
        // A sync and close wake the poll; records end it.
        ConsumerRecords<byte[], byte[]> records = consumer.poll(KafkaClients.FORWARD_FETCH_WAIT);
        records.forEach(this::read);
        if (!records.isEmpty()) {
          indexWinners();
        }
        position = consumer.position(partition);
        completeIfRead(waiting, end);
      } catch (WakeupException e) {
        // a sync asked, or closing: the loop takes it
      } catch (RuntimeException e) {
        // What was read stays: a broker that is down must not make databases disappear.
        log.warn("cannot follow {}; retrying in a second: {}", partition, e.toString());
        Pause.pause(Duration.ofSeconds(1));
      }
    }
    KafkaClients.closeFollower(consumer);
  }

  private void read(ConsumerRecord<byte[], byte[]> r) {
    String key = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      incarnations.remove(key);
      return;
    }
    try {
      Database d = Json.MAPPER.readValue(r.value(), Stored.class).database();
      Seen before = incarnations.get(key);
      incarnations.put(key, new Seen(d, before == null ? r.offset() : before.firstOffset()));
    } catch (IOException | RuntimeException e) {
      log.warn("skipping an unreadable catalog record {}: {}", key, e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    wakeup();
    try {
      thread.join(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (producer != null) {
        producer.close(Duration.ofSeconds(2));
      }
      if (admin != null) {
        admin.close(Duration.ofSeconds(2));
      }
    }
  }

  /** The catalog topic cannot be read or written now (Kafka is down): answer 503. */
  public static final class CatalogUnavailableException extends RuntimeException {
    CatalogUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
