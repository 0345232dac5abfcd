package io.objectkv.testkit.history;

import java.util.List;

/** What a client asked for. Values are strings, and every write writes a value of its own. */
public sealed interface Call {
  /** The condition of a write, as the API offers them. */
  sealed interface Cond {
    record None() implements Cond {}

    /** put if absent. */
    record Absent() implements Cond {}

    /** update / delete if exists. */
    record Exists() implements Cond {}

    /** compare-and-set on the version. */
    record Version(long version) implements Cond {}

    /** compare-and-set on the current value. */
    record Value(String value) implements Cond {}
  }

  /** A single-key put. */
  record Put(String key, String value, Cond cond) implements Call {}

  /** A single-key delete. */
  record Delete(String key, Cond cond) implements Call {}

  /**
   * A read of one key: {@code strong} (linearizable), or at least a version this client saw (read
   * your writes: checked against the log order, not for linearizability).
   */
  record Read(String key, boolean strong) implements Call {}

  /** An atomic batch that puts {@code value} to every key. */
  record Batch(List<String> keys, String value) implements Call {
    public Batch {
      keys = List.copyOf(keys);
    }
  }

  /** A multi-get of several keys, strong or not (as {@link Read}). */
  record MultiGet(List<String> keys, boolean strong) implements Call {
    public MultiGet {
      keys = List.copyOf(keys);
    }
  }
}
