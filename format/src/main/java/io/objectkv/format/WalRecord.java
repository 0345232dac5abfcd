package io.objectkv.format;

import java.util.Arrays;
import java.util.List;

/**
 * One batch's outcome in the WAL section of an L0 object, with the writes it made.
 *
 * @param version the batch's version (its log offset)
 * @param requestId the client's request id, empty when it sent none
 * @param outcome the outcome, encoded by the layer above (opaque here)
 * @param writes what the batch wrote when it committed, each at {@code version} (empty values are
 *     deletes), in key order; empty when it did not commit. The SST section keeps only the newest
 *     write of each key in the group, so these are the only record of a write that a later batch of
 *     the same group overwrote (change feeds need every one).
 * @param rangeDeletes the ranges the batch deleted, each at {@code version}, in the batch's order
 */
public record WalRecord(
    long version,
    byte[] requestId,
    byte[] outcome,
    List<Entry> writes,
    List<RangeTombstone> rangeDeletes) {
  public WalRecord {
    writes = List.copyOf(writes);
    rangeDeletes = List.copyOf(rangeDeletes);
    for (Entry e : writes) {
      if (e.version() != version) {
        throw new IllegalArgumentException(
            "a write of batch " + version + " at version " + e.version());
      }
    }
    for (RangeTombstone t : rangeDeletes) {
      if (t.version() != version) {
        throw new IllegalArgumentException(
            "a range delete of batch " + version + " at version " + t.version());
      }
    }
  }

  /** A batch that deleted no range. */
  public WalRecord(long version, byte[] requestId, byte[] outcome, List<Entry> writes) {
    this(version, requestId, outcome, writes, List.of());
  }

  /** A batch that wrote nothing. */
  public WalRecord(long version, byte[] requestId, byte[] outcome) {
    this(version, requestId, outcome, List.of(), List.of());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WalRecord r
        && version == r.version
        && Arrays.equals(requestId, r.requestId)
        && Arrays.equals(outcome, r.outcome)
        && writes.equals(r.writes)
        && rangeDeletes.equals(r.rangeDeletes);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Long.hashCode(version) + Arrays.hashCode(requestId))
        + Arrays.hashCode(outcome);
  }

  @Override
  public String toString() {
    return "WalRecord[version="
        + version
        + ", requestId="
        + requestId.length
        + "B, outcome="
        + outcome.length
        + "B, writes="
        + writes.size()
        + ", rangeDeletes="
        + rangeDeletes.size()
        + "]";
  }
}
