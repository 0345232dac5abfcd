package io.objectkv.client;

/** How fresh a read must be. */
public sealed interface Consistency {
  /** Whatever the replica has now (the default). */
  record Eventual() implements Consistency {}

  /** At least this version: read your own writes by passing a write's version. */
  record MinVersion(long version) implements Consistency {}

  /** Linearizable: everything committed when the read arrived. */
  record Strong() implements Consistency {}

  static Consistency eventual() {
    return new Eventual();
  }

  static Consistency atLeast(long version) {
    return new MinVersion(version);
  }

  static Consistency strong() {
    return new Strong();
  }

  /** The query parameters, starting with {@code sep} ("?" or "&"), or "". */
  default String query(char sep) {
    return switch (this) {
      case Eventual e -> "";
      case MinVersion m -> sep + "minVersion=" + m.version();
      case Strong s -> sep + "consistency=strong";
    };
  }
}
