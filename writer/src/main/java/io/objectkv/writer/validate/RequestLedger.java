package io.objectkv.writer.validate;

import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.model.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The first outcome of the most recent requests that carried an id, so that a retry is answered and
 * not applied twice. Bounded by count, oldest forgotten first: deterministic, so a writer
 * rebuilding it from a snapshot and the manifest log gets the same ledger.
 */
public final class RequestLedger {
  private final int capacity;
  private final LinkedHashMap<String, Outcome> outcomes;

  public RequestLedger(int capacity) {
    this.capacity = capacity;
    this.outcomes =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
            return size() > RequestLedger.this.capacity;
          }
        };
  }

  public Outcome get(String requestId) {
    return outcomes.get(requestId);
  }

  public void record(String requestId, Outcome outcome) {
    outcomes.putIfAbsent(requestId, outcome);
  }

  public void recordAll(List<RequestRecord> records) {
    records.forEach(r -> record(r.requestId(), r.outcome()));
  }

  /** Oldest first, for a snapshot. */
  public List<RequestRecord> entries() {
    List<RequestRecord> list = new ArrayList<>(outcomes.size());
    outcomes.forEach((id, o) -> list.add(new RequestRecord(id, o)));
    return list;
  }

  public int size() {
    return outcomes.size();
  }
}
