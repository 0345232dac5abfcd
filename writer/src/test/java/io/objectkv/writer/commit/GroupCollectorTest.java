package io.objectkv.writer.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * How the write log is cut into groups. Kafka's in-memory consumer stands in for the log, and time
 * is a manual clock that a poll which finds nothing advances by its timeout in whole milliseconds,
 * as a real consumer would wait; records {@link #arriveAt} a time are returned by the poll whose
 * wait reaches it.
 */
class GroupCollectorTest {
  private static final TopicPartition LOG = new TopicPartition("writes", 0);
  private static final long MS = 1_000_000;
  private long nanos = 1L << 50;
  private final MockConsumer<byte[], byte[]> log =
      new MockConsumer<>("earliest") {
        @Override
        public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
          if (++polls > 100_000) {
            throw new AssertionError("the collector spins on polls");
          }
          long[] next = timed.peek();
          if (next != null && next[0] <= nanos + timeout.toMillis() * MS) {
            timed.poll();
            nanos = Math.max(nanos, next[0]);
            append((int) next[1], 10);
          }
          ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
          if (records.isEmpty()) {
            nanos += timeout.toMillis() * MS;
          }
          return records;
        }
      };

  /** Clumps of records still to arrive: {time in nanos, records}, in time order. */
  private final ArrayDeque<long[]> timed = new ArrayDeque<>();

  private int polls;
  private long nextOffset;
  private int l0Objects;

  GroupCollectorTest() {
    log.assign(List.of(LOG));
    log.updateBeginningOffsets(Map.of(LOG, 0L));
  }

  private void append(int records, int valueBytes) {
    for (int i = 0; i < records; i++) {
      log.addRecord(
          new ConsumerRecord<>(
              LOG.topic(),
              0,
              nextOffset++,
              0L,
              TimestampType.CREATE_TIME,
              0,
              valueBytes,
              null,
              new byte[valueBytes],
              new RecordHeaders(),
              Optional.empty()));
    }
  }

  /** {@code records} records of 10 bytes arrive together at {@code atNanos}. */
  private void arriveAt(long atNanos, int records) {
    timed.add(new long[] {atNanos, records});
  }

  private GroupCollector collector(
      int maxRecords, long maxBytes, Duration minInterval, BooleanSupplier busy) {
    return collector(
        new GroupPolicy(maxRecords, maxBytes, 1000, Duration.ofMillis(50), minInterval), busy);
  }

  private GroupCollector collector(GroupPolicy policy, BooleanSupplier busy) {
    NanoTime time =
        new NanoTime() {
          @Override
          public long now() {
            return nanos;
          }

          @Override
          public void sleep(long sleptNanos) {
            nanos += sleptNanos;
          }
        };
    return new GroupCollector(WriteLog.of(log, LOG), policy, busy, () -> l0Objects, time);
  }

  private static List<Long> offsets(List<ConsumerRecord<byte[], byte[]>> group) {
    return group.stream().map(ConsumerRecord::offset).toList();
  }

  @Test
  void aFullGroupHoldsTheRestBackForTheNextInLogOrder() {
    append(2500, 10);
    GroupCollector groups = collector(1000, 1L << 30, Duration.ZERO, () -> false);
    List<Long> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<ConsumerRecord<byte[], byte[]>> g = groups.next();
      sizes.add(g.size());
      seen.addAll(offsets(g));
    }
    assertEquals(List.of(1000, 1000, 500), sizes);
    for (int i = 0; i < seen.size(); i++) {
      assertEquals(i, seen.get(i).longValue());
    }
    assertTrue(groups.next().isEmpty(), "nothing more in the log");
  }

  @Test
  void theByteBoundIsExactAndAnOversizedRecordStandsAlone() {
    append(25, 100);
    append(1, 5000);
    append(3, 100);
    GroupCollector groups = collector(1000, 1000, Duration.ZERO, () -> false);
    List<Integer> sizes = new ArrayList<>();
    for (List<ConsumerRecord<byte[], byte[]>> g = groups.next(); !g.isEmpty(); g = groups.next()) {
      sizes.add(g.size());
    }
    assertEquals(List.of(10, 10, 5, 1, 3), sizes);
  }

  /** Three polls: five records, nothing, five more. */
  private void fiveThenAPauseThenFive() {
    log.schedulePollTask(() -> append(5, 10));
    log.schedulePollTask(() -> {});
    log.schedulePollTask(() -> append(5, 10));
  }

  @Test
  void aQuietLogEndsTheGroup() {
    GroupCollector groups = collector(1000, 1L << 30, Duration.ZERO, () -> false);
    fiveThenAPauseThenFive();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(groups.next()));
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L), offsets(groups.next()));
  }

  @Test
  void aBusyCommitterKeepsTheGroupGrowing() {
    GroupCollector groups = collector(1000, 1L << 30, Duration.ZERO, busyFor(5 * MS));
    fiveThenAPauseThenFive();
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets(groups.next()));
  }

  /** A committer busy for the first {@code busyNanos} of the test's clock. */
  private BooleanSupplier busyFor(long busyNanos) {
    long until = nanos + busyNanos;
    return () -> nanos < until;
  }

  /**
   * Two lone records, one after the other, under {@code minInterval}: how long after the first
   * group the second one ended. {@link #polls} counts the second group's polls.
   */
  private long secondLoneGroupAfter(Duration minInterval) {
    GroupCollector groups = collector(1000, 1L << 30, minInterval, () -> false);
    append(1, 10);
    assertEquals(1, groups.next().size());
    long firstEnd = nanos;
    append(1, 10);
    polls = 0;
    assertEquals(1, groups.next().size());
    return nanos - firstEnd;
  }

  @Test
  void groupsEndNoSoonerThanTheMinimumIntervalApart() {
    assertEquals(
        150 * MS,
        secondLoneGroupAfter(Duration.ofMillis(150)),
        "the second group ends the interval after the first");
  }

  @Test
  void aWaitShorterThanTheConsumersMillisecondIsSleptNotPolled() {
    assertEquals(
        1_400_000,
        secondLoneGroupAfter(Duration.ofNanos(1_400_000)),
        "the interval is met to the nanosecond");
    assertTrue(polls <= 3, polls + " polls for one wait of 1.4 ms");
  }

  @Test
  void aFullGroupDoesNotWaitForTheInterval() {
    GroupCollector groups = collector(10, 1L << 30, Duration.ofSeconds(30), () -> false);
    append(25, 10);
    long start = nanos;
    assertEquals(10, groups.next().size());
    assertEquals(10, groups.next().size());
    assertEquals(start, nanos, "full groups took no time");
  }

  @Test
  void aLoneRecordIsNotHeldForCompany() {
    GroupCollector groups = collector(1000, 1L << 30, Duration.ZERO, () -> false);
    log.schedulePollTask(() -> append(1, 10));
    log.schedulePollTask(() -> append(1, 10));
    assertEquals(List.of(0L), offsets(groups.next()));
    assertEquals(List.of(1L), offsets(groups.next()));
  }

  @Test
  void afterAGroupOfSeveralTheNextWaitsForCompany() {
    GroupCollector groups = collector(1000, 1L << 30, Duration.ZERO, () -> false);
    log.schedulePollTask(() -> append(3, 10));
    assertEquals(List.of(0L, 1L, 2L), offsets(groups.next()));
    log.schedulePollTask(() -> append(1, 10));
    log.schedulePollTask(() -> append(1, 10));
    assertEquals(List.of(3L, 4L), offsets(groups.next()));
  }

  @Test
  void aGroupIsHeldInProportionToTheOneBefore() {
    GroupCollector groups =
        collector(
            new GroupPolicy(1000, 1L << 30, 10, Duration.ofMillis(200), Duration.ZERO),
            () -> false);
    append(5, 10); // half the target: the next group is held half the max delay
    assertEquals(5, groups.next().size());
    long end = nanos;
    append(1, 10);
    assertEquals(1, groups.next().size());
    long held = nanos - end;
    assertTrue(held >= 100 * MS && held <= 101 * MS, "held " + held / MS + " ms, want 100");
  }

  @Test
  void lonelyRecordsAreHeldLongerWhileL0IsPastItsSlowdownPoint() {
    GroupCollector groups = afterALoneRecord(0);
    long end = nanos;
    l0Objects = 15; // half way from the slowdown point of 10 to the stop point of 20
    sustain();
    append(1, 10);
    assertEquals(1, groups.next().size());
    assertEquals(800 * MS, nanos - end, "held four max delays");
    end = nanos;
    l0Objects = 25; // past the stop point
    sustain();
    append(1, 10);
    assertEquals(1, groups.next().size());
    assertEquals(3200 * MS, nanos - end, "held sixteen max delays: a near stop");
    end = nanos;
    l0Objects = 5; // a fall counts at once
    append(1, 10);
    assertEquals(1, groups.next().size());
    assertTrue(nanos - end < MS, "below it, a lone record commits at once");
  }

  @Test
  void aMomentPastTheSlowdownPointHoldsNothing() {
    GroupCollector groups = afterALoneRecord(8);
    // A compaction into L1 runs and L0 grows past the point; the compaction commits soon after.
    l0Objects = 15;
    for (int i = 0; i < 3; i++) {
      long end = nanos;
      nanos += GroupCollector.L0_SUSTAINED.toNanos() / 4;
      append(1, 10);
      assertEquals(1, groups.next().size());
      assertTrue(nanos - end <= GroupCollector.L0_SUSTAINED.toNanos() / 4 + MS, "not held");
    }
    // Past the point for longer: the compactor is behind, and groups are held.
    long end = nanos;
    nanos += GroupCollector.L0_SUSTAINED.toNanos() / 4 + MS;
    append(1, 10);
    assertEquals(1, groups.next().size());
    assertEquals(800 * MS, nanos - end, "held four max delays");
  }

  @Test
  void aMomentFarPastTheSlowdownPointHoldsAtOnce() {
    GroupCollector groups = afterALoneRecord(8);
    long end = nanos;
    // Fifteen past the point at once: held as if seven past it, the fifteen less the tolerance.
    l0Objects = 10 + 7 + GroupCollector.L0_TOLERANCE;
    append(1, 10);
    assertEquals(1, groups.next().size());
    assertEquals(1120 * MS, nanos - end, "held 7/10 of eight max delays");
  }

  /**
   * A collector (200 ms max delay, the L0 slowdown past 10 objects up to the stop point at 20)
   * after a group of one record decided with {@code l0} objects in L0.
   */
  private GroupCollector afterALoneRecord(int l0) {
    GroupCollector groups =
        collector(
            new GroupPolicy(1000, 1L << 30, 1000, Duration.ofMillis(200), Duration.ZERO, 10, 20),
            () -> false);
    l0Objects = l0;
    append(1, 10);
    assertEquals(1, groups.next().size());
    return groups;
  }

  /** Lets the time pass that L0 must stay at a count before the slowdown goes by it. */
  private void sustain() {
    nanos += GroupCollector.L0_SUSTAINED.toNanos() + MS;
  }

  /**
   * A collector (200 ms max delay, a target of 10 records, the L0 slowdown past {@code
   * l0SlowdownObjects} up to the stop point at twice it) after a first group of the full target:
   * the next is held the whole 200 ms.
   */
  private GroupCollector afterAFullGroup(int l0SlowdownObjects) {
    GroupCollector groups =
        collector(
            new GroupPolicy(
                1000,
                1L << 30,
                10,
                Duration.ofMillis(200),
                Duration.ZERO,
                l0SlowdownObjects,
                2 * l0SlowdownObjects),
            () -> false);
    append(10, 10);
    assertEquals(10, groups.next().size());
    return groups;
  }

  @Test
  void aBurstThatIsOverEndsTheHoldEarly() {
    GroupCollector groups = afterAFullGroup(GroupPolicy.L0_SLOWDOWN_OBJECTS);
    long end = nanos;
    // Ten waiting clients send again within a third of a millisecond, then wait for their
    // answers: nothing more comes.
    arriveAt(end + MS / 10, 4);
    arriveAt(end + 2 * MS / 10, 3);
    arriveAt(end + 3 * MS / 10, 3);
    assertEquals(10, groups.next().size());
    long held = nanos - end;
    assertTrue(held <= 2 * MS, "held " + held / MS + " ms once the burst was over, want ~1");
  }

  @Test
  void recordsThatArriveInOnePollAreHeldTheWholeHold() {
    GroupCollector groups = afterAFullGroup(GroupPolicy.L0_SLOWDOWN_OBJECTS);
    long end = nanos;
    // One arrival shows no gap to judge the burst's end by.
    arriveAt(end + MS, 10);
    assertEquals(10, groups.next().size());
    assertEquals(200 * MS, nanos - end);
  }

  @Test
  void clumpsAtASteadyRateAreHeldTheWholeHold() {
    GroupCollector groups = afterAFullGroup(GroupPolicy.L0_SLOWDOWN_OBJECTS);
    long end = nanos;
    // 2,000 records a second, as a gateway's produce requests bring them: 20 every 10 ms. The
    // gaps between records within a clump are nil, but the gaps between clumps are steady.
    for (int i = 1; i <= 40; i++) {
      arriveAt(end + i * 10 * MS, 20);
    }
    assertHeldTheWholeHold(groups, end, 380);
  }

  @Test
  void recordsAtASteadyRateAreHeldTheWholeHold() {
    GroupCollector groups = afterAFullGroup(GroupPolicy.L0_SLOWDOWN_OBJECTS);
    long end = nanos;
    // One record per millisecond for longer than the hold: gaps never reach eight mean gaps.
    for (int i = 1; i <= 400; i++) {
      arriveAt(end + i * MS, 1);
    }
    assertHeldTheWholeHold(groups, end, 190);
  }

  /** The next group is held the whole 200 ms after {@code end} and holds at least that many. */
  private void assertHeldTheWholeHold(GroupCollector groups, long end, int atLeast) {
    List<ConsumerRecord<byte[], byte[]>> group = groups.next();
    long held = nanos - end;
    assertTrue(held >= 200 * MS, "held " + held / MS + " ms, want the 200 ms hold");
    assertTrue(group.size() >= atLeast, "the group grew for the hold: " + group.size());
  }

  @Test
  void theL0SlowdownIsNotCutShortByTheEndOfABurst() {
    GroupCollector groups = afterAFullGroup(10);
    long end = nanos;
    l0Objects = 15; // four max delays of slowdown
    sustain();
    long burst = nanos;
    arriveAt(burst + MS / 10, 5);
    arriveAt(burst + 2 * MS / 10, 5);
    assertEquals(10, groups.next().size());
    assertEquals(800 * MS, nanos - end, "held the slowdown whole");
  }
}
