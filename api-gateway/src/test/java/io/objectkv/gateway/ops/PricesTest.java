package io.objectkv.gateway.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.runtime.cluster.ProcessCard.StoreRequests;
import org.junit.jupiter.api.Test;

class PricesTest {
  @Test
  void emptyMeansS3Standard() {
    assertEquals(Prices.S3_STANDARD, Prices.parse(""));
  }

  @Test
  void aSpecSetsSomePricesAndKeepsTheRest() {
    Prices p = Prices.parse(" put=0.0045 , storage=0.021");
    assertEquals(0.0045, p.putPer1000());
    assertEquals(0.021, p.storagePerGbMonth());
    assertEquals(Prices.S3_STANDARD.getPer1000(), p.getPer1000());
  }

  @Test
  void requestsAreBilledByKind() {
    // 1,000 of each: PUT and LIST at $0.005, GET, ranged GET and HEAD at $0.0004, DELETE free.
    double d = Prices.S3_STANDARD.dollars(new StoreRequests(1000, 1000, 1000, 1000, 1000, 1000));
    assertEquals(0.005 * 2 + 0.0004 * 3, d, 1e-12);
  }

  @Test
  void badSpecsSayWhatIsAllowed() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> Prices.parse("puts=1"))
            .getMessage()
            .contains("put="));
    assertThrows(IllegalArgumentException.class, () -> Prices.parse("get=cheap"));
    assertThrows(IllegalArgumentException.class, () -> Prices.parse("get=-1"));
    assertThrows(IllegalArgumentException.class, () -> Prices.parse("get=NaN"));
  }
}
