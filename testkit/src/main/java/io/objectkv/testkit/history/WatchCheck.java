package io.objectkv.testkit.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Judges what a watch saw against the history of the writes: over the versions it covered, every
 * acknowledged write in its range appears exactly once, at its version, with exactly its changes,
 * in version order; and nothing appears that no write could have made (a write whose outcome is
 * unknown may appear, once; one that failed may not).
 */
public final class WatchCheck {
  private WatchCheck() {}

  /** One key's change in an event: {@code value} null when the key was deleted. */
  public record Change(long version, String key, String value) {}

  /**
   * @param after the version the watch started after
   * @param through the version the watch reached: every event up to it was delivered
   * @param inRange whether the watch covers a key
   * @return what is wrong, empty when nothing is
   */
  public static List<String> check(
      List<Operation> ops,
      List<Change> seen,
      long after,
      long through,
      java.util.function.Predicate<String> inRange) {
    List<String> problems = new ArrayList<>();
    Map<Long, Set<Change>> events = new LinkedHashMap<>();
    long current = after;
    for (Change c : seen) {
      if (c.version() > current) {
        current = c.version();
      } else if (c.version() < current || current == after) {
        problems.add("event " + c.version() + " came after event " + current + " (out of order)");
      }
      if (!events.computeIfAbsent(c.version(), v -> new HashSet<>()).add(c)) {
        problems.add("change " + c + " came twice");
      }
    }
    Map<Long, Set<Change>> acknowledged = new HashMap<>();
    List<Operation> unknown = new ArrayList<>();
    for (Operation op : ops) {
      if (op.result() instanceof Result.Ok ok && ok.version() > after && ok.version() <= through) {
        Set<Change> expected = changes(op.call(), ok.version(), inRange);
        if (!expected.isEmpty()) {
          acknowledged.put(ok.version(), expected);
        }
      } else if (op.result() instanceof Result.Unknown) {
        unknown.add(op);
      }
    }
    for (Map.Entry<Long, Set<Change>> a : acknowledged.entrySet()) {
      Set<Change> got = events.get(a.getKey());
      if (!a.getValue().equals(got)) {
        problems.add(
            "acknowledged write at "
                + a.getKey()
                + " "
                + a.getValue()
                + (got == null ? " never came" : " came as " + got));
      }
    }
    Set<Operation> used = new HashSet<>();
    for (Map.Entry<Long, Set<Change>> e : events.entrySet()) {
      if (acknowledged.containsKey(e.getKey())) {
        continue;
      }
      Operation maker =
          unknown.stream()
              .filter(op -> !used.contains(op))
              .filter(op -> changes(op.call(), e.getKey(), inRange).equals(e.getValue()))
              .findFirst()
              .orElse(null);
      if (maker == null) {
        problems.add(
            "event " + e.getKey() + " " + e.getValue() + " matches no write that could be");
      } else if (!(maker.call() instanceof Call.Delete)) {
        used.add(maker); // a put's value is its own: it can make one event only
      }
    }
    return problems;
  }

  /** The changes a write makes to watched keys if it commits at {@code version}. */
  static Set<Change> changes(
      Call call, long version, java.util.function.Predicate<String> inRange) {
    Set<Change> out = new HashSet<>();
    switch (call) {
      case Call.Put p -> out.add(new Change(version, p.key(), p.value()));
      case Call.Delete d -> out.add(new Change(version, d.key(), null));
      case Call.Batch b -> b.keys().forEach(k -> out.add(new Change(version, k, b.value())));
      default -> {}
    }
    out.removeIf(c -> !inRange.test(c.key()));
    return out;
  }
}
