package io.objectkv.writer.decide;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.WriteBatch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The first outcome of every request id decided within the retention period, so that a retry or a
 * late copy is answered, not applied twice. One book for decided groups, committed or not.
 *
 * <p>Its content is a function of the log alone, so every writer rebuilds the same book: an entry
 * is remembered from its decision until the log time passes {@code decidedAt + retention}, and a
 * snapshot of manifest M holds exactly the entries of deltas up to M that are still remembered at
 * M's log time. Copies of a request stop arriving once the log time passes their deadline (the
 * writer refuses later ones), so a retention longer than the gateways' write timeout (plus clock
 * skew) answers every copy; see docs/design.md, "Request ids".
 *
 * <p>Bounded by encoded bytes: when the entries still remembered at a record's log time fill it,
 * that record gets {@link Outcome.Busy} and is not remembered (nothing of it is applied).
 *
 * <p>Not thread-safe: the writer thread owns it.
 */
public final class RequestBook {
  private record Entry(RequestRecord record, long deltaId, int bytes) {}

  private final long retentionMillis;
  private final long maxBytes;

  /** Entries in decision order (so in log-time order); {@code [head, size)} are held. */
  private final List<Entry> entries = new ArrayList<>();

  private final Map<String, Entry> byId = new HashMap<>();
  private int head;

  /** The first entry still remembered at the newest lookup's log time, and the bytes from it on. */
  private int visibleHead;

  private long visibleBytes;

  public RequestBook(Duration retention, long maxBytes) {
    if (retention.isNegative() || maxBytes < 1) {
      throw new IllegalArgumentException(
          "request book needs a retention >= 0 and a bound > 0: " + retention + ", " + maxBytes);
    }
    this.retentionMillis = retention.toMillis();
    this.maxBytes = maxBytes;
  }

  /** The book of a snapshot, with the decider's bounds. */
  public static RequestBook of(ManifestSnapshot snapshot, Decider.Bounds bounds) {
    return of(snapshot, bounds.requestRetention(), bounds.requestBookBytes());
  }

  /** The book of a snapshot. */
  public static RequestBook of(ManifestSnapshot snapshot, Duration retention, long maxBytes) {
    RequestBook book = new RequestBook(retention, maxBytes);
    for (RequestRecord r : snapshot.ledger()) {
      book.add(r, snapshot.manifest().id());
    }
    book.forgetBefore(snapshot.manifest().logTimeMillis());
    return book;
  }

  /** Applies a committed delta read from the manifest log (recovery). */
  public void apply(ManifestDelta delta) {
    for (RequestRecord r : delta.requests()) {
      add(r, delta.id());
    }
    committed(delta);
  }

  /**
   * The outcome remembered for {@code requestId} as of log time {@code now}, answered for {@code
   * retry} (a remembered condition failure names the retry's own key at its index), or null.
   */
  public Outcome lookup(String requestId, WriteBatch retry, long now) {
    Entry e = byId.get(requestId);
    if (e == null || e.record().decidedAtMillis() < now - retentionMillis) {
      return null;
    }
    return e.record().outcome().namedFor(retry);
  }

  /** Whether a new id of {@code idBytes} would overflow the entries remembered at {@code now}. */
  public boolean full(int idBytes, long now) {
    advanceVisible(now - retentionMillis);
    return visibleBytes + idBytes + RECORD_OVERHEAD > maxBytes;
  }

  /** The record to remember for a first outcome, as a delta carries it. */
  public static RequestRecord recordOf(String requestId, Outcome outcome, long decidedAtMillis) {
    Outcome kept = outcome.withoutKey();
    return new RequestRecord(requestId, kept, decidedAtMillis);
  }

  /** Remembers an outcome decided for delta {@code deltaId} (not committed yet). */
  public void remember(RequestRecord r, long deltaId) {
    add(r, deltaId);
  }

  /** Delta {@code delta} committed: what its log time no longer remembers is dropped. */
  public void committed(ManifestDelta delta) {
    forgetBefore(delta.logTimeMillis());
  }

  /** The entries of a snapshot of manifest {@code manifestId} (committed), oldest first. */
  public List<RequestRecord> snapshot(long manifestId) {
    List<RequestRecord> out = new ArrayList<>(entries.size() - head);
    for (int i = head; i < entries.size() && entries.get(i).deltaId() <= manifestId; i++) {
      out.add(entries.get(i).record());
    }
    return out;
  }

  public int size() {
    return byId.size();
  }

  /** Bytes of the entries held (as encoded in a snapshot, about). */
  public long bytes() {
    long b = 0;
    for (int i = head; i < entries.size(); i++) {
      b += entries.get(i).bytes();
    }
    return b;
  }

  private static final int RECORD_OVERHEAD = 32;

  private void add(RequestRecord r, long deltaId) {
    if (!entries.isEmpty() && r.decidedAtMillis() < entries.getLast().record().decidedAtMillis()) {
      throw new IllegalStateException(
          "request " + r.requestId() + " decided before the one remembered last");
    }
    Entry e = new Entry(r, deltaId, ManifestCodec.encodedSize(r));
    Entry old = byId.putIfAbsent(r.requestId(), e);
    if (old != null && old.record().decidedAtMillis() >= r.decidedAtMillis() - retentionMillis) {
      return; // still remembered: the first outcome stays
    }
    byId.put(r.requestId(), e);
    entries.add(e);
    if (entries.size() - 1 >= visibleHead) {
      visibleBytes += e.bytes();
    }
  }

  /** Drops entries decided before {@code logTime - retention}: no lookup can see them again. */
  private void forgetBefore(long logTime) {
    long threshold = logTime - retentionMillis;
    while (head < entries.size() && entries.get(head).record().decidedAtMillis() < threshold) {
      Entry e = entries.get(head);
      byId.remove(e.record().requestId(), e);
      entries.set(head, null);
      head++;
    }
    if (visibleHead < head) {
      visibleHead = head;
      visibleBytes = 0;
      for (int i = head; i < entries.size(); i++) {
        visibleBytes += entries.get(i).bytes();
      }
    }
    if (head > 4096 && head > entries.size() / 2) {
      entries.subList(0, head).clear();
      visibleHead -= head;
      head = 0;
    }
  }

  private void advanceVisible(long threshold) {
    while (visibleHead < entries.size()
        && entries.get(visibleHead).record().decidedAtMillis() < threshold) {
      visibleBytes -= entries.get(visibleHead).bytes();
      visibleHead++;
    }
  }
}
