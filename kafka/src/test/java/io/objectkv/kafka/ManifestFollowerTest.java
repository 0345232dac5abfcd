package io.objectkv.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.Replies;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.manifest.WriterFence;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The follower over a scripted consumer: where it starts, which records count, when it gives up.
 */
class ManifestFollowerTest {
  private static final String TOPIC = "db.manifest";
  private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

  /** Manifest 3 of writer epoch 2, taken at log offset 4. */
  private static final ManifestSnapshot START =
      new ManifestSnapshot(new Manifest(3, 2, 30, 1_000, List.of(), List.of()), 4, List.of());

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

  private ManifestFollower follower() {
    consumer.updateBeginningOffsets(Map.of(TP, 0L));
    return new ManifestFollower(consumer, TOPIC, START);
  }

  private static ManifestDelta delta(long id, long epoch) {
    return new ManifestDelta(id, epoch, id * 10, 1_000 + id, List.of(), List.of());
  }

  private void record(long offset, byte[] value) {
    consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, null, value));
  }

  @Test
  void startsAfterItsSnapshotAndAppliesOnlyTheRecordsThatCount() {
    ManifestFollower f = follower();
    assertEquals(5, f.position(), "the record after the snapshot's");
    assertEquals(4, f.logOffset());
    record(5, ManifestCodec.encode(delta(3, 2))); // already in the snapshot
    record(6, ManifestCodec.encode(new WriterFence(3, 1_004)));
    record(7, ManifestCodec.encode(delta(4, 2))); // the replaced writer's: ignored
    record(8, ManifestCodec.encode(delta(4, 3)));
    List<ManifestDelta> applied = f.poll(Duration.ofMillis(10));
    assertEquals(List.of(delta(4, 3)), applied);
    assertEquals(4, f.manifest().id());
    assertEquals(3, f.manifest().writerEpoch());
    assertEquals(40, f.manifest().appliedVersion());
    assertEquals(6, f.epochSetAt(), "the fence that raised the epoch");
    assertEquals(8, f.logOffset());
    assertEquals(9, f.position());
  }

  @Test
  void aSkippedDeltaIsAGap() {
    ManifestFollower f = follower();
    record(5, ManifestCodec.encode(delta(5, 2)));
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> f.poll(Duration.ofMillis(10)));
    assertTrue(e.getMessage().contains("manifest log gap at " + TP + "@5"), e.getMessage());
  }

  @Test
  void catchUpReadsToTheCommittedEndOrSaysWhereItStopped() {
    ManifestFollower f = follower();
    record(5, ManifestCodec.encode(delta(4, 2)));
    record(6, ManifestCodec.encode(delta(5, 2)));
    consumer.updateEndOffsets(Map.of(TP, 7L));
    assertEquals(List.of(delta(4, 2), delta(5, 2)), f.catchUp(Duration.ofSeconds(5)));
    assertEquals(7, f.committedEnd());

    consumer.updateEndOffsets(Map.of(TP, 20L)); // committed, but never delivered
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> f.catchUp(Duration.ofMillis(300)));
    assertTrue(e.getMessage().contains("up to offset 20"), e.getMessage());
    assertTrue(e.getMessage().contains("(at 7)"), e.getMessage());
  }

  /** Delta {@code id} of writer epoch {@code epoch}, adding an object of {@code size} bytes. */
  private static ManifestDelta adding(long id, long epoch, String object, long size) {
    SstInfo sst = new SstInfo(object, size, 1, new byte[] {1}, new byte[] {2}, id, id);
    return new ManifestDelta(
        id, epoch, id * 10, 1_000 + id, List.of(new ManifestEdit.AddL0(sst)), List.of());
  }

  private static byte[] carrying(ManifestDelta d, Map<String, byte[]> copies) {
    return ManifestCodec.encode(d, Replies.NONE, copies);
  }

  @Test
  void keepsTheCopiesOfTheObjectsCountedDeltasAddUntilTheNextPollUpToItsBound() {
    ManifestFollower f = follower();
    int half = (int) (ManifestFollower.MAX_COPY_BYTES / 2);
    record(5, ManifestCodec.encode(new WriterFence(3, 1_004)));
    // the replaced writer's delta does not count: neither does its copy
    record(6, carrying(adding(4, 2, "replaced", 1), Map.of("replaced", new byte[1])));
    record(7, carrying(adding(4, 3, "a", half), Map.of("a", new byte[half])));
    // a copy of another size than the object's, or of an object the delta does not add
    record(8, carrying(adding(5, 3, "short", 10), Map.of("short", new byte[9])));
    record(9, carrying(adding(6, 3, "b", 1), Map.of("b", new byte[1], "stray", new byte[1])));
    record(10, carrying(adding(7, 3, "c", half), Map.of("c", new byte[half])));
    record(11, carrying(adding(8, 3, "d", 1), Map.of("d", new byte[1])));
    assertEquals(5, f.poll(Duration.ofMillis(10)).size());
    assertEquals(Set.of("a", "b", "d"), f.copies().keySet(), "up to the bound, the rest not kept");
    f.poll(Duration.ofMillis(10));
    assertEquals(Map.of(), f.copies(), "the next poll brought none");
  }
}
