package io.objectkv.core.model;

import java.util.Arrays;

/** What must hold of a key's current state for an operation to proceed. */
public sealed interface Condition {
  /** No condition. */
  record None() implements Condition {}

  /** The key does not exist (never written, or deleted). */
  record Absent() implements Condition {}

  /** The key exists. */
  record Exists() implements Condition {}

  /** The key exists at exactly this version. */
  record VersionIs(long version) implements Condition {}

  /** The key exists with exactly these bytes. */
  record ValueIs(byte[] value) implements Condition {
    @Override
    public boolean equals(Object o) {
      return o instanceof ValueIs v && Arrays.equals(value, v.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "ValueIs[" + value.length + " bytes]";
    }
  }

  Condition NONE = new None();
  Condition ABSENT = new Absent();
  Condition EXISTS = new Exists();
}
