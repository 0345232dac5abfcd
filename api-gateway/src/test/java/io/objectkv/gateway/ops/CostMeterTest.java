package io.objectkv.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.cluster.ProcessCard.StoreRequests;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostMeterTest {
  private final CostMeter meter = new CostMeter(Prices.S3_STANDARD);

  private static ProcessCard card(
      String id, String role, long startedAt, StoreRequests store, long writes, long reads) {
    return new ProcessCard(
        id, role, "dev", "http://h:1", startedAt, 0, "x", null, store, writes, reads, null);
  }

  private static StoreRequests puts(long n) {
    return new StoreRequests(n, 0, 0, 0, 0, 0);
  }

  private static StoreRequests gets(long n) {
    return new StoreRequests(0, n, 0, 0, 0, 0);
  }

  @Test
  void ratesAndPerMillionFiguresComeFromTheIncreaseOverTheWindow() {
    meter.sample(
        List.of(
            card("w", "writer", 0, puts(1_000), 5_000, 0), card("r", "reader", 0, gets(0), 0, 0)),
        1_000);
    // 60 s later: the writer made 120 more PUTs for 60,000 more writes; the reader 600 GETs for
    // 6,000 reads.
    CostMeter.Cost c =
        meter.cost(
            List.of(
                card("w", "writer", 0, puts(1_120), 65_000, 0),
                card("r", "reader", 0, gets(600), 0, 6_000)),
            61_000,
            0);
    assertEquals(60, c.windowSeconds(), 1e-9);
    assertEquals(120 * 60, c.requestsPerHour().put(), 1e-6);
    assertEquals(600 * 60, c.requestsPerHour().get(), 1e-6);
    assertEquals(60_000 * 60, c.writesPerHour(), 1e-6);
    // 120 PUTs at $0.005 per 1,000 for 60,000 writes: $0.01 per million.
    assertEquals(0.01, c.dollarsPerMillionWrites(), 1e-12);
    // 600 GETs at $0.0004 per 1,000 for 6,000 reads: $0.04 per million.
    assertEquals(0.04, c.dollarsPerMillionReads(), 1e-12);
    assertEquals((120 * 0.005 + 600 * 0.0004) / 1000 * 60, c.requestDollarsPerHour(), 1e-12);
    assertEquals(new StoreRequests(1_120, 600, 0, 0, 0, 0), c.requests());
  }

  @Test
  void aRestartedProcessCountsFromZeroAndANewOneFromItsStart() {
    meter.sample(List.of(card("w1", "writer", 0, puts(500), 100, 0)), 10_000);
    CostMeter.Cost c =
        meter.cost(
            List.of(
                card("w1", "writer", 0, puts(20), 50, 0), // counters went down: a restart
                card("c", "compactor", 15_000, puts(30), 0, 0), // started within the window
                card("old", "compactor", 1_000, puts(10_000), 0, 0)), // older, first seen now
            20_000,
            0);
    assertEquals((20 + 30) * 360, c.requestsPerHour().put(), 1e-6);
    assertEquals(50 * 360, c.writesPerHour(), 1e-6);
  }

  @Test
  void withoutHistoryThereAreNoRatesAndWithoutWritesNoCostPerWrite() {
    CostMeter.Cost first = meter.cost(List.of(), 5_000, 123);
    assertNull(first.requestsPerHour());
    assertEquals(123, first.storedBytes());
    assertEquals("manifest", first.storedBytesFrom());

    meter.sample(List.of(card("r", "reader", 0, gets(0), 0, 0)), 5_000);
    CostMeter.Cost idle = meter.cost(List.of(card("r", "reader", 0, gets(3), 0, 0)), 10_000, 0);
    assertNull(idle.dollarsPerMillionWrites());
    assertNull(idle.dollarsPerMillionReads());
  }

  @Test
  void storageIsTheNewestListingAtTheStoragePrice() {
    ProcessCard listed =
        new ProcessCard(
            "c",
            "compactor",
            "dev",
            "u",
            0,
            9,
            "x",
            null,
            StoreRequests.NONE,
            0,
            0,
            2_000_000_000L);
    CostMeter.Cost c = meter.cost(List.of(listed), 1_000, 5);
    assertEquals(2_000_000_000L, c.storedBytes());
    assertEquals("listing", c.storedBytesFrom());
    assertEquals(2 * 0.023, c.storageDollarsPerMonth(), 1e-12);
  }

  @Test
  void oldSamplesLeaveTheWindow() {
    meter.sample(List.of(card("w", "writer", 0, puts(0), 0, 0)), 0);
    meter.sample(List.of(card("w", "writer", 0, puts(1_000), 0, 0)), 100_000);
    meter.sample(List.of(card("w", "writer", 0, puts(1_000), 0, 0)), 400_000);
    CostMeter.Cost c = meter.cost(List.of(card("w", "writer", 0, puts(1_000), 0, 0)), 410_000, 0);
    assertEquals(310, c.windowSeconds(), 1e-9, "the sample at 0 is older than the window");
    assertEquals(0, c.requestsPerHour().put(), 1e-9);
  }
}
