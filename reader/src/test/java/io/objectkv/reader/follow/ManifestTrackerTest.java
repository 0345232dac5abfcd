package io.objectkv.reader.follow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.Replies;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.ForwardingStore;
import io.objectkv.core.store.HookedStore;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.core.store.TransientStoreException;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.runtime.health.Liveness;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Defect: a reader that failed to follow the log could publish a newer log position with an older
 * view, so a strong read waiting for that position was answered from stale data. A position is only
 * ever published with the view of the same manifest.
 */
class ManifestTrackerTest {
  private static final String TOPIC = "db.manifest";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  /** A store whose reads fail while {@code failing} is set, and that notes every request. */
  private static final class FlakyStore extends HookedStore {
    final AtomicBoolean failing = new AtomicBoolean();
    final List<Op> requests = new CopyOnWriteArrayList<>();

    FlakyStore() {
      super(new InMemoryObjectStore());
    }

    @Override
    protected void before(Op op) {
      requests.add(op);
      if (failing.get()) {
        throw new TransientStoreException("injected: the store is down", null);
      }
    }
  }

  private static SstInfo l0(FlakyStore store, String key, long version) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, SstOptions.DEFAULT);
    w.add(
        "k".getBytes(StandardCharsets.UTF_8),
        version,
        ("v" + version).getBytes(StandardCharsets.UTF_8));
    SstSummary s = w.finish();
    store.put(key, Content.of(out.toByteArray()));
    return SstInfo.of(key, s);
  }

  private static ConsumerRecord<byte[], byte[]> record(long offset, ManifestDelta d) {
    return new ConsumerRecord<>(TOPIC, 0, offset, null, ManifestCodec.encode(d));
  }

  private static MockConsumer<byte[], byte[]> emptyLog() {
    MockConsumer<byte[], byte[]> kafka = new MockConsumer<>("earliest");
    kafka.updateBeginningOffsets(Map.of(P0, 0L));
    kafka.updateEndOffsets(Map.of(P0, 0L));
    return kafka;
  }

  private static ManifestTracker tracker(
      FlakyStore store, MockConsumer<byte[], byte[]> kafka, ManifestTracker.Listener listener) {
    return new ManifestTracker(
        store,
        new TableCache(new StoreRangeFetcher(store), new BlockCache(1 << 20)),
        start -> new ManifestFollower(kafka, TOPIC, start.get()),
        new Metrics(),
        new Liveness(InstantSource.system()),
        listener);
  }

  @Test
  void aPositionIsOnlyPublishedWithTheViewOfItsManifest() throws Exception {
    FlakyStore store = new FlakyStore();
    MockConsumer<byte[], byte[]> kafka = emptyLog();
    ManifestTracker tracker = tracker(store, kafka, ManifestTracker.Listener.NONE);
    tracker.start();
    assertEquals(0, tracker.state().logPosition());

    // Delta 1 arrives while the store is down: its L0 object cannot be opened.
    ManifestDelta d1 =
        new ManifestDelta(
            1, 1, 5, 1000, List.of(new ManifestEdit.AddL0(l0(store, "l0/a", 5))), List.of());
    store.failing.set(true);
    kafka.addRecord(record(0, d1));
    kafka.updateEndOffsets(Map.of(P0, 1L));
    // The tracker keeps polling (the consumer moved past delta 1) but must not say it applied it.
    assertThrows(
        TimeoutException.class,
        () -> tracker.awaitPosition(1, Duration.ofMillis(1500)),
        "a strong read at the new position must wait for the view that includes delta 1");
    assertEquals(0, tracker.state().view().manifest().id());

    // The log fails too (a gap, a lost broker): the reboot cannot even read a snapshot.
    kafka.setPollException(new KafkaException("injected: the log failed"));
    assertThrows(TimeoutException.class, () -> tracker.awaitPosition(1, Duration.ofMillis(1500)));
    assertEquals(0, tracker.state().logPosition());

    // The store comes back: the state moves to delta 1 and its position together.
    store.failing.set(false);
    ReadState s = tracker.awaitPosition(1, Duration.ofSeconds(10));
    assertEquals(1, s.view().manifest().id());
    assertEquals(5, s.appliedVersion());
    tracker.close();
  }

  /** What the delta that adds a new object carries of it. */
  private enum CopyInDelta {
    NONE,
    EXACT,
    SHORT, // its last byte missing
    GARBLED // its footer's last byte changed
  }

  /**
   * Has a tracker apply delta 1, which adds object {@code l0/a} (key "k" = "v5") with {@code copy}
   * of it; returns what the tracker handed its listener. The store's requests while it applied the
   * delta are in {@code store.requests}.
   */
  private static Map<String, byte[]> applyNewObject(FlakyStore store, CopyInDelta copy)
      throws Exception {
    MockConsumer<byte[], byte[]> kafka = emptyLog();
    Map<String, byte[]> heard = new ConcurrentHashMap<>();
    ManifestTracker tracker =
        tracker(store, kafka, (after, deltas, rebooted, read) -> heard.putAll(read));
    tracker.start();
    SstInfo a = l0(store, "l0/a", 5);
    byte[] bytes = store.get("l0/a").clone();
    if (copy == CopyInDelta.GARBLED) {
      bytes[bytes.length - 1] ^= 1;
    } else if (copy == CopyInDelta.SHORT) {
      bytes = Arrays.copyOf(bytes, bytes.length - 1);
    }
    store.requests.clear();
    ManifestDelta d =
        new ManifestDelta(1, 1, 5, 1000, List.of(new ManifestEdit.AddL0(a)), List.of());
    Map<String, byte[]> copies = copy == CopyInDelta.NONE ? Map.of() : Map.of("l0/a", bytes);
    kafka.addRecord(
        new ConsumerRecord<>(TOPIC, 0, 0, null, ManifestCodec.encode(d, Replies.NONE, copies)));
    kafka.updateEndOffsets(Map.of(P0, 1L));
    ReadState s = tracker.awaitPosition(1, Duration.ofSeconds(10));
    assertEquals(1, s.view().manifest().id());
    assertArrayEquals(
        "v5".getBytes(StandardCharsets.UTF_8),
        s.view().get("k".getBytes(StandardCharsets.UTF_8)).value(),
        "the view reads the new object");
    tracker.close();
    return heard;
  }

  /**
   * A small new L0 object is opened from the copy in its delta; without one, or with one that does
   * not match, it is read once whole (no range reads); either way the listener gets its bytes.
   */
  @ParameterizedTest
  @EnumSource(CopyInDelta.class)
  void aNewL0ObjectOpensFromItsCopyElseIsReadOnceWhole(CopyInDelta copy) throws Exception {
    FlakyStore store = new FlakyStore();
    Map<String, byte[]> heard = applyNewObject(store, copy);
    assertEquals(
        copy == CopyInDelta.EXACT ? List.of() : List.of(ForwardingStore.Op.GET), store.requests);
    assertArrayEquals(store.get("l0/a"), heard.get("l0/a"), "the listener got the bytes");
  }

  /** A log that counts its polls (a mock poll returns at once: an eager tracker asks nonstop). */
  private static final class CountingLog extends MockConsumer<byte[], byte[]> {
    final AtomicInteger polls = new AtomicInteger();

    CountingLog() {
      super("earliest");
      updateBeginningOffsets(Map.of(P0, 0L));
      updateEndOffsets(Map.of(P0, 0L));
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      polls.incrementAndGet();
      return super.poll(timeout);
    }

    int pollsWithin(Duration d) throws InterruptedException {
      int before = polls.get();
      Thread.sleep(d);
      return polls.get() - before;
    }
  }

  @Test
  void aReplicaNobodyReadsFromAsksTheLogRarelyAndTheFirstReadWakesIt() throws Exception {
    FlakyStore store = new FlakyStore();
    CountingLog kafka = new CountingLog();
    ManifestTracker tracker = tracker(store, kafka, ManifestTracker.Listener.NONE);
    tracker.start();
    Thread.sleep(ManifestTracker.IDLE_AFTER.plusMillis(300));
    Duration window = Duration.ofSeconds(1);
    int max = (int) (window.toMillis() / ManifestTracker.IDLE_POLL_EVERY.toMillis()) + 2;
    int idle = kafka.pollsWithin(window);
    assertTrue(idle <= max, "an idle tracker polled " + idle + " times in 1 s, more than " + max);

    // A strong read on the idle replica: it waits for a delta, and the tracker wakes for it.
    SstInfo a = l0(store, "l0/a", 5);
    kafka.addRecord(
        record(0, new ManifestDelta(1, 1, 5, 1000, List.of(new ManifestEdit.AddL0(a)), List.of())));
    kafka.updateEndOffsets(Map.of(P0, 1L));
    assertEquals(5, tracker.awaitPosition(1, Duration.ofSeconds(10)).appliedVersion());
    int eager = kafka.pollsWithin(window);
    assertTrue(eager > 5 * max, "after a read the tracker polled only " + eager + " times in 1 s");

    // Quiet again: lazy again.
    Thread.sleep(ManifestTracker.IDLE_AFTER.plusMillis(300));
    idle = kafka.pollsWithin(window);
    assertTrue(idle <= max, "idle again, the tracker polled " + idle + " times in 1 s");
    tracker.demand(); // an eventual read
    eager = kafka.pollsWithin(window);
    assertTrue(
        eager > 5 * max, "after a demand the tracker polled only " + eager + " times in 1 s");
    tracker.close();
  }
}
