package io.objectkv.runtime.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.runtime.Pause;
import io.objectkv.runtime.http.Json;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of a database as their announcements on {@code <db>.processes} show them: a process
 * is live from its first card until it says it left (a tombstone) or sends none for {@link
 * #FORGET_AFTER}. Follows the topic on a thread of its own; a broker that is down leaves the last
 * cards to age out.
 */
public final class ProcessDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProcessDirectory.class);

  /** A process that sent nothing for this long is taken for gone: three missed announcements. */
  public static final Duration FORGET_AFTER = Announcer.EVERY.multipliedBy(3).plusSeconds(1);

  /** A card and when it was last heard of, in this process's {@link System#nanoTime()}. */
  public record Seen(ProcessCard card, long heardAtNanos) {}

  // Cards from newer versions may carry fields this one does not know.
  private static final ObjectReader CARDS =
      Json.MAPPER
          .readerFor(ProcessCard.class)
          .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final Map<String, Seen> cards = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  private ProcessDirectory(Consumer<byte[], byte[]> consumer, TopicPartition partition) {
    this.consumer = consumer;
    this.partition = partition;
    this.thread = Thread.ofPlatform().name("process-directory").daemon().start(this::run);
  }

  public static ProcessDirectory follow(String bootstrap, KafkaNames names, String clientId) {
    return new ProcessDirectory(
        new KafkaConsumer<>(KafkaClients.follower(bootstrap, clientId)),
        new TopicPartition(names.processes(), 0));
  }

  /** The live processes, by role and then address. */
  public List<ProcessCard> live() {
    return seen().stream().map(Seen::card).toList();
  }

  /** Base URLs of the live readers that say they are serving, in a stable order. */
  public List<URI> servingReaders() {
    List<URI> out = new ArrayList<>();
    for (Seen s : seen()) {
      ProcessCard c = s.card();
      if (c.role().equals("reader") && "serving".equals(c.state())) {
        out.add(URI.create(c.url().endsWith("/") ? c.url() : c.url() + "/"));
      }
    }
    return out;
  }

  /** The live processes with when each was last heard of. */
  public List<Seen> seen() {
    long now = System.nanoTime();
    return cards.values().stream()
        .filter(s -> now - s.heardAtNanos() < FORGET_AFTER.toNanos())
        .sorted(
            Comparator.comparing((Seen s) -> s.card().role())
                .thenComparing(s -> s.card().url())
                .thenComparing(s -> s.card().id()))
        .toList();
  }

  private void run() {
    boolean positioned = false;
    long catchUpEnd = 0;
    while (running) {
      try {
        if (!positioned) {
          catchUpEnd = position();
          positioned = true;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
          // While catching up, a card is as old as its timestamp says; afterwards, as old as its
          // arrival (so clocks that disagree by a second or two do not matter).
          long ageNanos =
              r.offset() < catchUpEnd
                  ? TimeUnit.MILLISECONDS.toNanos(
                      Math.max(0, System.currentTimeMillis() - r.timestamp()))
                  : 0;
          heard(r, System.nanoTime() - ageNanos);
        }
        long cutoff = System.nanoTime() - 10 * FORGET_AFTER.toNanos();
        cards.values().removeIf(s -> s.heardAtNanos() < cutoff);
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        log.warn("cannot follow {}; retrying in a second: {}", partition, e.toString());
        positioned = false;
        Pause.pause(Duration.ofSeconds(1));
      }
    }
    KafkaClients.closeFollower(consumer);
  }

  /** Starts from the cards that can still be live; returns the end of the log at that moment. */
  private long position() {
    consumer.assign(List.of(partition));
    long since = System.currentTimeMillis() - FORGET_AFTER.toMillis();
    OffsetAndTimestamp first =
        consumer.offsetsForTimes(Map.of(partition, since), Duration.ofSeconds(5)).get(partition);
    long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(5)).get(partition);
    consumer.seek(partition, first == null ? end : first.offset());
    return end;
  }

  private void heard(ConsumerRecord<byte[], byte[]> r, long heardAt) {
    String id = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      cards.remove(id);
      return;
    }
    try {
      cards.put(id, new Seen(CARDS.readValue(r.value()), heardAt));
    } catch (java.io.IOException e) {
      log.warn("skipping an unreadable card of {}: {}", id, e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(3000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
