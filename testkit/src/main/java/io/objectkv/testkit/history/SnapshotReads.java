package io.objectkv.testkit.history;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Checks every read against the order of the log: a read answered at applied version {@code A} must
 * show, for each key, the newest change to that key at or below {@code A} that the history knows of
 * (a write, batch or delete that was acknowledged with its version, or a version some read
 * observed). A multi-get is one snapshot, so a batch is never seen half applied. Changes whose
 * version nobody learned cannot be checked here; linearizability covers their effects.
 */
public final class SnapshotReads {
  private SnapshotReads() {}

  /** A read that does not show the state of the log at its applied version. */
  public record Violation(Operation read, String key, String why) {}

  public static List<Violation> check(List<Operation> history) {
    // key -> version -> value (null: deleted)
    Map<String, NavigableMap<Long, Change>> changes = new java.util.HashMap<>();
    for (Operation op : history) {
      if (op.result() instanceof Result.Ok ok) {
        switch (op.call()) {
          case Call.Put p -> change(changes, p.key(), ok.version(), p.value());
          case Call.Delete d -> change(changes, d.key(), ok.version(), null);
          case Call.Batch b -> b.keys().forEach(k -> change(changes, k, ok.version(), b.value()));
          default -> {}
        }
      }
    }
    for (Operation op : history) {
      switch (op.result()) {
        case Result.Read r when op.call() instanceof Call.Read c ->
            observe(changes, c.key(), r.value());
        case Result.MultiRead mr -> mr.values().forEach((k, v) -> observe(changes, k, v));
        default -> {}
      }
    }
    List<Violation> out = new ArrayList<>();
    for (Operation op : history) {
      switch (op.result()) {
        case Result.Read r when op.call() instanceof Call.Read c ->
            verify(op, c.key(), r.value(), r.appliedVersion(), changes, out);
        case Result.MultiRead mr -> {
          for (String k : ((Call.MultiGet) op.call()).keys()) {
            verify(op, k, mr.values().get(k), mr.appliedVersion(), changes, out);
          }
        }
        default -> {}
      }
    }
    return out;
  }

  private record Change(String value, boolean observedOnly) {}

  private static void change(
      Map<String, NavigableMap<Long, Change>> changes, String key, long version, String value) {
    changes.computeIfAbsent(key, k -> new TreeMap<>()).put(version, new Change(value, false));
  }

  private static void observe(
      Map<String, NavigableMap<Long, Change>> changes, String key, Result.Value v) {
    if (v != null && v.version() >= 0) {
      changes
          .computeIfAbsent(key, k -> new TreeMap<>())
          .putIfAbsent(v.version(), new Change(v.value(), true));
    }
  }

  private static void verify(
      Operation op,
      String key,
      Result.Value seen,
      long applied,
      Map<String, NavigableMap<Long, Change>> changes,
      List<Violation> out) {
    NavigableMap<Long, Change> history = changes.getOrDefault(key, new TreeMap<>());
    Map.Entry<Long, Change> newest = history.floorEntry(applied);
    String seenValue = seen == null ? null : seen.value();
    long seenVersion = seen == null ? -1 : seen.version();
    if (seenVersion > applied) {
      out.add(new Violation(op, key, "version " + seenVersion + " above applied " + applied));
      return;
    }
    if (newest == null) {
      if (seenValue != null) {
        out.add(new Violation(op, key, "shows " + seenValue + " where nothing was written"));
      }
      return;
    }
    boolean ok =
        newest.getValue().value() == null
            ? seenValue == null
            : Objects.equals(seenValue, newest.getValue().value())
                && (seenVersion < 0 || seenVersion == newest.getKey());
    if (!ok) {
      out.add(
          new Violation(
              op,
              key,
              "at applied version "
                  + applied
                  + " the newest change is "
                  + (newest.getValue().value() == null ? "a delete" : newest.getValue().value())
                  + " at "
                  + newest.getKey()
                  + ", but it shows "
                  + (seenValue == null ? "absent" : seenValue + " at " + seenVersion)));
    }
  }
}
