package io.objectkv.writer.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.objectkv.core.model.Outcome;
import org.junit.jupiter.api.Test;

class RequestLedgerTest {
  @Test
  void keepsTheFirstOutcomeAndForgetsTheOldest() {
    RequestLedger ledger = new RequestLedger(3);
    ledger.record("a", new Outcome.Committed(1));
    ledger.record("a", new Outcome.Committed(99));
    ledger.record("b", new Outcome.Committed(2));
    ledger.record("c", new Outcome.Committed(3));
    ledger.record("d", new Outcome.Committed(4));
    assertNull(ledger.get("a"));
    assertEquals(new Outcome.Committed(2), ledger.get("b"));
    RequestLedger rebuilt = new RequestLedger(3);
    rebuilt.recordAll(ledger.entries());
    rebuilt.record("e", new Outcome.Committed(5));
    ledger.record("e", new Outcome.Committed(5));
    assertEquals(
        ledger.entries(), rebuilt.entries(), "rebuilding from a snapshot gives the same ledger");
  }
}
