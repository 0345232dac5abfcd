package io.objectkv.gateway.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.cluster.ProcessCard.StoreRequests;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database costs now, from the counters the processes announce: requests and dollars per
 * hour over the last few minutes, what a million writes and a million reads cost, and storage.
 *
 * <p>Requests of the writers and compactors are the cost of writes, the readers' the cost of reads
 * (a reader only reads what it serves; a compactor only rewrites what was written).
 */
public final class CostMeter {
  /** The rates are over this much of the recent past (less just after the gateway starts). */
  public static final Duration WINDOW = Duration.ofMinutes(5);

  private final Prices prices;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  private record Sample(long atMillis, Map<String, ProcessCard> cards) {
    static Sample of(long atMillis, List<ProcessCard> live) {
      Map<String, ProcessCard> byId = new HashMap<>();
      live.forEach(c -> byId.put(c.id(), c));
      return new Sample(atMillis, byId);
    }
  }

  /** Request counts as rates. */
  public record RequestRates(
      double put, double get, double rangedGet, double head, double list, double delete) {
    static RequestRates of(StoreRequests r, double perHour) {
      return new RequestRates(
          r.put() * perHour,
          r.get() * perHour,
          r.rangedGet() * perHour,
          r.head() * perHour,
          r.list() * perHour,
          r.delete() * perHour);
    }
  }

  /**
   * The cost meter's reading. Rates are null until the meter has seen a second of history;
   * per-million figures are null while nothing was written (or read) in the window.
   *
   * @param requests object store requests counted by the live processes since each started
   * @param storedBytes bytes in the store: from the compactor's last listing of every object, kept
   *     up to date with what the manifest added and the GC deleted since, or the bytes the manifest
   *     references when no compactor has listed yet
   * @param storedBytesFrom {@code listing} or {@code manifest}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Cost(
      Prices prices,
      double windowSeconds,
      StoreRequests requests,
      RequestRates requestsPerHour,
      Double requestDollarsPerHour,
      Double writesPerHour,
      Double readsPerHour,
      Double dollarsPerMillionWrites,
      Double dollarsPerMillionReads,
      long storedBytes,
      String storedBytesFrom,
      double storageDollarsPerMonth,
      Double dollarsPerHour) {}

  public CostMeter(Prices prices) {
    this.prices = prices;
  }

  /** Remembers the live processes' cards as of {@code nowMillis}. */
  public synchronized void sample(List<ProcessCard> live, long nowMillis) {
    samples.addLast(Sample.of(nowMillis, live));
    while (samples.size() > 2
        && samples.stream().skip(1).findFirst().orElseThrow().atMillis()
            <= nowMillis - WINDOW.toMillis()) {
      samples.removeFirst();
    }
  }

  /**
   * The reading now, with {@code live} the processes' latest cards and {@code manifestBytes} the
   * bytes the manifest references (for when no compactor has listed the store yet).
   */
  public synchronized Cost cost(List<ProcessCard> live, long nowMillis, long manifestBytes) {
    List<Sample> history = new ArrayList<>(samples);
    history.add(Sample.of(nowMillis, live));
    StoreRequests writeSide = StoreRequests.NONE;
    StoreRequests readSide = StoreRequests.NONE;
    long writes = 0;
    long reads = 0;
    for (int i = 1; i < history.size(); i++) {
      Sample before = history.get(i - 1);
      for (ProcessCard now : history.get(i).cards().values()) {
        ProcessCard then = before.cards().get(now.id());
        StoreRequests requests;
        long w;
        long r;
        if (then != null) {
          requests = now.store().since(then.store());
          w = ProcessCard.delta(now.writes(), then.writes());
          r = ProcessCard.delta(now.reads(), then.reads());
        } else if (now.startedAt() >= before.atMillis()) {
          requests = now.store(); // started in this interval: all it counted is new
          w = now.writes();
          r = now.reads();
        } else {
          continue; // first seen now, but older: its counts are not all from this interval
        }
        if (now.role().equals("reader")) {
          readSide = readSide.plus(requests);
        } else {
          writeSide = writeSide.plus(requests);
        }
        writes += w;
        reads += r;
      }
    }
    StoreRequests counted = StoreRequests.NONE;
    Long listed = null;
    long listedAt = Long.MIN_VALUE;
    for (ProcessCard c : live) {
      counted = counted.plus(c.store());
      if (c.storedBytes() != null && c.sentAt() > listedAt) {
        listed = c.storedBytes();
        listedAt = c.sentAt();
      }
    }
    long stored = listed != null ? listed : manifestBytes;
    double storagePerMonth = prices.storagePerMonth(stored);
    double seconds = (nowMillis - history.getFirst().atMillis()) / 1000.0;
    if (seconds < 1) {
      return new Cost(
          prices,
          seconds,
          counted,
          null,
          null,
          null,
          null,
          null,
          null,
          stored,
          listed != null ? "listing" : "manifest",
          storagePerMonth,
          null);
    }
    double perHour = 3600 / seconds;
    double writeDollars = prices.dollars(writeSide);
    double readDollars = prices.dollars(readSide);
    double requestDollarsPerHour = (writeDollars + readDollars) * perHour;
    return new Cost(
        prices,
        seconds,
        counted,
        RequestRates.of(writeSide.plus(readSide), perHour),
        requestDollarsPerHour,
        writes * perHour,
        reads * perHour,
        writes == 0 ? null : writeDollars / writes * 1e6,
        reads == 0 ? null : readDollars / reads * 1e6,
        stored,
        listed != null ? "listing" : "manifest",
        storagePerMonth,
        requestDollarsPerHour + storagePerMonth / Prices.HOURS_PER_MONTH);
  }
}
