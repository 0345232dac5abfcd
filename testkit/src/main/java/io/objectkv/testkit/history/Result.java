package io.objectkv.testkit.history;

import java.util.Map;

/** What a client learned. An operation answered "certainly not applied" is not recorded at all. */
public sealed interface Result {
  /** A write or batch applied at {@code version}. */
  record Ok(long version) implements Result {}

  /** A condition failed: the operation happened, as a check, and wrote nothing. */
  record Failed(String reason) implements Result {}

  /** A key's value ({@code null}: absent) and version (-1 when absent). */
  record Value(String value, long version) {}

  /** What a read returned, and the applied version of the replica that answered (its snapshot). */
  record Read(Value value, long appliedVersion) implements Result {}

  /** What a multi-get returned, one snapshot at {@code appliedVersion}. */
  record MultiRead(Map<String, Value> values, long appliedVersion) implements Result {}

  /** The outcome is unknown: it may have taken effect, at any time after the call, or never. */
  record Unknown() implements Result {}
}
