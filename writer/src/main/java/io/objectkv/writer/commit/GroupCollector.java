package io.objectkv.writer.commit;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Cuts the write log into groups, one group commit each, under a {@link GroupPolicy}. A group grows
 * while records keep coming within {@link #GAP} of each other, or while the committer is still busy
 * with the groups before it (a new one could not start anyway); a lone client (the group before
 * held a single record) does not wait for company. It ends when full by records or bytes (exactly:
 * what a poll returns beyond that opens the next group), or once the policy's max delay has passed
 * since its first record; unless full, never before the policy's hold after the previous group,
 * except that the hold's proportional part ends once the group's burst is over (see {@link
 * #QUIET_GAPS}). So a quiet log commits at once and a busy one fills groups. The hold's L0 slowdown
 * goes by what L0 held over the last moments, not at one instant (see {@link #L0_SUSTAINED}).
 *
 * <p>One collector serves one active role: records it holds back belong to that role's position in
 * the log.
 */
public final class GroupCollector {
  /** How long a growing group waits for its next record. */
  static final Duration GAP = Duration.ofMillis(1);

  /**
   * Mean gaps between a group's arrivals (polls that brought records) with none arriving after
   * which its burst is over. Gaps of a steady (Poisson) stream exceed it with probability e^-8,
   * about 1 in 3,000. Arrivals, not records: records come in clumps (a gateway's produce request
   * holds many), and the gap between clumps is the one a steady stream repeats.
   */
  static final int QUIET_GAPS = 8;

  /**
   * How long L0 must stay past the slowdown point before groups are held for it: the slowdown goes
   * by the least L0 count seen over this time. Groups keep coming while a compaction into L1 runs,
   * and L0 passes the point for moments before it commits and L0 falls back; a hold for such a
   * moment (62.5 ms at one object past it) stalls every client. Past the point for longer, the
   * compactor is behind, and the holds start this much later.
   */
  static final Duration L0_SUSTAINED = Duration.ofMillis(100);

  /**
   * The most objects L0 may be past the slowdown point before it is held at once: the count the
   * slowdown goes by is never further than this below the count now. So a moment past the point
   * lets L0 grow by at most this much, where groups at 160 a second would add 16 in {@link
   * #L0_SUSTAINED}.
   */
  static final int L0_TOLERANCE = 8;

  /** How long an empty group waits before the caller gets to do idle work. */
  private static final Duration IDLE = Duration.ofMillis(200);

  private final WriteLog log;
  private final GroupPolicy policy;
  private final BooleanSupplier committerBusy;
  private final IntSupplier l0Objects;
  private final NanoTime time;
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> heldBack = new ArrayDeque<>();
  // L0 counts seen within L0_SUSTAINED, oldest first; each less than the ones after it.
  private final ArrayDeque<L0Seen> l0Seen = new ArrayDeque<>();
  private long previousEnd;
  private int previousSize = 1;

  /**
   * @param committerBusy true while a decided group waits for the committer (a new one would wait
   *     too)
   * @param l0Objects the L0 objects of the manifest as decided so far (see {@link
   *     GroupPolicy#l0SlowdownObjects})
   * @param time the clock, and the sleep of a wait shorter than the log's polls can wait
   */
  public GroupCollector(
      WriteLog log,
      GroupPolicy policy,
      BooleanSupplier committerBusy,
      IntSupplier l0Objects,
      NanoTime time) {
    this.log = log;
    this.policy = policy;
    this.committerBusy = committerBusy;
    this.l0Objects = l0Objects;
    this.time = time;
    this.previousEnd = time.now() - (1L << 40);
  }

  /**
   * Records taken from the last group that its decision left for the next one (in log order): they
   * come first in the next group.
   */
  public void pushBack(List<ConsumerRecord<byte[], byte[]>> records) {
    for (int i = records.size() - 1; i >= 0; i--) {
      heldBack.addFirst(records.get(i));
    }
  }

  /** Whether records taken from the log wait for the next group. */
  public boolean holdsRecords() {
    return !heldBack.isEmpty();
  }

  /** The next group of consecutive records, or an empty list when the log stayed quiet. */
  public List<ConsumerRecord<byte[], byte[]>> next() {
    List<ConsumerRecord<byte[], byte[]>> group = new ArrayList<>();
    long bytes = 0;
    long deadline = Long.MAX_VALUE;
    long firstArrival = 0;
    int arrivals = 0;
    // When the group's burst counts as over if nothing more arrives (never while it holds one).
    long burstEnd = Long.MAX_VALUE;
    int l0 = sustainedL0Objects(time.now());
    long notBefore = previousEnd + policy.holdNanos(previousSize, l0);
    long firmNotBefore = previousEnd + policy.firmHoldNanos(l0);
    while (true) {
      long now = time.now();
      boolean busy = committerBusy.getAsBoolean();
      List<ConsumerRecord<byte[], byte[]>> arrived;
      if (!heldBack.isEmpty()) {
        arrived = new ArrayList<>(heldBack);
        heldBack.clear();
      } else {
        long wait;
        if (group.isEmpty()) {
          wait = IDLE.toNanos();
        } else if (now < notBefore) {
          wait = Math.max(0, (busy ? notBefore : Math.min(notBefore, burstEnd)) - now);
        } else {
          wait = Math.min(GAP.toNanos(), Math.max(0, deadline - now));
        }
        arrived = take(wait);
      }
      boolean full = false;
      for (int i = 0; i < arrived.size() && !full; i++) {
        ConsumerRecord<byte[], byte[]> r = arrived.get(i);
        int size = Math.max(0, r.serializedValueSize());
        if (!group.isEmpty()
            && (group.size() >= policy.maxRecords() || bytes + size > policy.maxBytes())) {
          heldBack.addAll(arrived.subList(i, arrived.size()));
          full = true;
        } else {
          group.add(r);
          bytes += size;
        }
      }
      if (group.isEmpty()) {
        return group;
      }
      now = time.now();
      busy = committerBusy.getAsBoolean(); // the poll may have waited
      full |= group.size() >= policy.maxRecords() || bytes >= policy.maxBytes();
      boolean first = deadline == Long.MAX_VALUE;
      if (first) {
        deadline = now + policy.maxDelay().toNanos();
        firstArrival = now;
      }
      if (!arrived.isEmpty()) {
        arrivals++;
        // One arrival tells nothing of the gaps between them: it is held as if no burst ended.
        if (arrivals > 1) {
          burstEnd = Math.max(firmNotBefore, now + quietNanos(arrivals, firstArrival, now));
        }
      }
      // A lone client gains nothing from a wait for company: after a group of one, a group that
      // starts alone ends at once.
      boolean alone = first && group.size() == 1 && previousSize == 1;
      boolean quiet = (alone || (!first && arrived.isEmpty())) && !busy;
      // Clients that wait for their answers send no more until the group commits: once the burst
      // of their records is over, holding on only delays them. Records at a steady rate keep
      // arriving (a gap of QUIET_GAPS mean gaps is rare then), and the group grows for its hold.
      boolean burstOver = !busy && now >= burstEnd;
      if (full || burstOver || (now >= notBefore && (quiet || now >= deadline))) {
        previousEnd = now;
        previousSize = group.size();
        return group;
      }
    }
  }

  /**
   * Records that arrive within {@code waitNanos}. A Kafka consumer counts its waits in whole
   * milliseconds and returns at once from a shorter one: polled, such a wait became a spin (21
   * polls a group under 64 clients' puts). It is slept instead, then a poll that does not wait
   * takes what came meanwhile.
   */
  private List<ConsumerRecord<byte[], byte[]>> take(long waitNanos) {
    if (waitNanos > 0 && waitNanos < MILLI) {
      time.sleep(waitNanos);
      return log.poll(Duration.ZERO);
    }
    return log.poll(Duration.ofNanos(waitNanos));
  }

  private static final long MILLI = 1_000_000;

  private record L0Seen(long nanos, int objects) {}

  /**
   * The L0 count the slowdown goes by: the least seen over the last {@link #L0_SUSTAINED}, the one
   * now included, but no more than {@link #L0_TOLERANCE} below the one now.
   */
  private int sustainedL0Objects(long now) {
    int objects = l0Objects.getAsInt();
    while (!l0Seen.isEmpty() && l0Seen.peekLast().objects() >= objects) {
      l0Seen.pollLast(); // never the least again while this one is in the window
    }
    l0Seen.addLast(new L0Seen(now, objects));
    while (l0Seen.peekFirst().nanos() < now - L0_SUSTAINED.toNanos()) {
      l0Seen.pollFirst();
    }
    return Math.max(l0Seen.peekFirst().objects(), objects - L0_TOLERANCE);
  }

  /**
   * How long a group that records arrived for {@code arrivals} times may see none arrive before its
   * burst counts as over: {@value #QUIET_GAPS} times the mean gap between its arrivals so far, at
   * least {@link #GAP}.
   */
  private static long quietNanos(int arrivals, long firstArrival, long lastArrival) {
    long meanGap = (lastArrival - firstArrival) / Math.max(1, arrivals - 1);
    return Math.max(GAP.toNanos(), QUIET_GAPS * meanGap);
  }
}
