package io.objectkv.format;

import java.util.Arrays;

/**
 * One batch's outcome in the WAL section of an L0 object.
 *
 * @param version the batch's version (its log offset)
 * @param requestId the client's request id, empty when it sent none
 * @param outcome the outcome, encoded by the layer above (opaque here)
 */
public record WalRecord(long version, byte[] requestId, byte[] outcome) {
  @Override
  public boolean equals(Object o) {
    return o instanceof WalRecord r
        && version == r.version
        && Arrays.equals(requestId, r.requestId)
        && Arrays.equals(outcome, r.outcome);
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
        + "B]";
  }
}
