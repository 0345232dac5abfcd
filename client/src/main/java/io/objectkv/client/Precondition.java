package io.objectkv.client;

import java.util.Base64;
import java.util.Map;

/** A condition on a key's current state that a write or check requires. */
public sealed interface Precondition {
  record None() implements Precondition {}

  record Absent() implements Precondition {}

  record Exists() implements Precondition {}

  record VersionIs(long version) implements Precondition {}

  record ValueIs(byte[] value) implements Precondition {}

  static Precondition none() {
    return new None();
  }

  static Precondition ifAbsent() {
    return new Absent();
  }

  static Precondition ifExists() {
    return new Exists();
  }

  static Precondition ifVersion(long version) {
    return new VersionIs(version);
  }

  static Precondition ifValue(byte[] value) {
    return new ValueIs(value);
  }

  /** Adds this condition's fields to a batch operation. */
  default void addTo(Map<String, Object> op) {
    switch (this) {
      case None n -> {}
      case Absent a -> op.put("if", "absent");
      case Exists e -> op.put("if", "exists");
      case VersionIs v -> op.put("ifVersion", v.version());
      case ValueIs v -> op.put("ifValueBase64", Base64.getEncoder().encodeToString(v.value()));
    }
  }
}
