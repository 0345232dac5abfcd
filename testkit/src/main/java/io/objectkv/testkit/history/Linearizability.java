package io.objectkv.testkit.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides whether a history is linearizable, one key at a time (linearizability is local: a history
 * is linearizable iff its projection on every key is), against the model of a register with the
 * API's conditions: put, put-if-absent, update-if-exists, compare-and-set on version or value,
 * (conditional) deletes, and strong reads; a batch writes each of its keys, a strong multi-get
 * reads each. (Reads that are not strong promise less; {@link SnapshotReads} checks them.)
 *
 * <p>The search is Wing and Gong's, with Lowe's memoization of (linearized set, state): it tries to
 * order the operations so that each takes effect between its call and its return and the model
 * gives every answer that was observed. An operation whose outcome is unknown has no return: it may
 * take effect at any point after its call, or never. A failed condition is an operation that
 * happened and found the condition false, with that reason.
 *
 * <p>Every write writes a value of its own, so a version seen anywhere in the history (a write's
 * answer, a read) names one value: a compare-and-set on version {@code v} holds when the register
 * holds the value written at {@code v}.
 */
public final class Linearizability {
  private Linearizability() {}

  /** The verdict for one key. */
  public sealed interface Verdict {
    String key();

    record Linearizable(String key, int operations) implements Verdict {}

    /**
     * No order explains the history; {@code witness} holds the end of the longest order found and
     * the first operation it could not place, for the report.
     */
    record Anomaly(String key, int operations, List<Operation> witness) implements Verdict {}

    /** The search ran out of its budget of states: neither proven nor refuted. */
    record Inconclusive(String key, int operations) implements Verdict {}
  }

  /** One operation as it acts on one key. */
  private record KeyOp(Operation op, Call.Cond cond, Kind kind, String value, Expect expect) {}

  private enum Kind {
    PUT,
    DELETE,
    READ
  }

  /** What the observed result requires of the model at the linearization point. */
  private sealed interface Expect {
    /** The write took effect: its condition held. */
    record Applied() implements Expect {}

    /** The condition failed with this reason. */
    record FailedWith(String reason) implements Expect {}

    /** The register held this value (null: absent). */
    record Saw(String value) implements Expect {}

    /** Anything: the outcome is unknown. */
    record Any() implements Expect {}
  }

  public static List<Verdict> check(List<Operation> history, long maxStatesPerKey) {
    Map<String, List<KeyOp>> byKey = new TreeMap<>();
    for (Operation op : history) {
      project(op, byKey);
    }
    List<Verdict> verdicts = new ArrayList<>();
    for (Map.Entry<String, List<KeyOp>> e : byKey.entrySet()) {
      verdicts.add(checkKey(e.getKey(), e.getValue(), maxStatesPerKey));
    }
    return verdicts;
  }

  private static void project(Operation op, Map<String, List<KeyOp>> byKey) {
    Result r = op.result();
    Expect writeExpect =
        switch (r) {
          case Result.Ok ok -> new Expect.Applied();
          case Result.Failed f -> new Expect.FailedWith(f.reason());
          case Result.Unknown u -> new Expect.Any();
          default -> null; // a read's result: reads take their expectation below
        };
    switch (op.call()) {
      case Call.Put p ->
          add(byKey, p.key(), new KeyOp(op, p.cond(), Kind.PUT, p.value(), writeExpect));
      case Call.Delete d ->
          add(byKey, d.key(), new KeyOp(op, d.cond(), Kind.DELETE, null, writeExpect));
      case Call.Batch b -> {
        for (String k : b.keys()) {
          add(byKey, k, new KeyOp(op, new Call.Cond.None(), Kind.PUT, b.value(), writeExpect));
        }
      }
      case Call.Read rd -> {
        if (rd.strong() && r instanceof Result.Read read) {
          add(
              byKey,
              rd.key(),
              new KeyOp(op, null, Kind.READ, null, new Expect.Saw(read.value().value())));
        }
      }
      case Call.MultiGet mg -> {
        if (mg.strong() && r instanceof Result.MultiRead mr) {
          for (String k : mg.keys()) {
            Result.Value v = mr.values().get(k);
            add(
                byKey,
                k,
                new KeyOp(op, null, Kind.READ, null, new Expect.Saw(v == null ? null : v.value())));
          }
        }
      }
    }
  }

  private static void add(Map<String, List<KeyOp>> byKey, String key, KeyOp op) {
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(op);
  }

  /** Versions seen for this key, and the value each one names (null: a delete). */
  private static Map<Long, String> valuesByVersion(String key, List<KeyOp> ops) {
    Map<Long, String> at = new HashMap<>();
    for (KeyOp k : ops) {
      switch (k.op().result()) {
        case Result.Ok ok -> {
          if (k.kind() != Kind.READ) {
            at.put(ok.version(), k.value());
          }
        }
        case Result.Read read -> {
          if (read.value().version() >= 0) {
            at.put(read.value().version(), read.value().value());
          }
        }
        case Result.MultiRead mr -> {
          Result.Value v = mr.values().get(key);
          if (v != null && v.version() >= 0) {
            at.put(v.version(), v.value());
          }
        }
        default -> {}
      }
    }
    return at;
  }

  /** The reason a condition fails against {@code state}, or null when it holds. */
  private static String failure(Call.Cond cond, String state, Map<Long, String> at) {
    boolean exists = state != null;
    return switch (cond) {
      case Call.Cond.None n -> null;
      case Call.Cond.Absent a -> exists ? "exists" : null;
      case Call.Cond.Exists e -> exists ? null : "absent";
      case Call.Cond.Version v ->
          !exists
              ? "absent"
              : Objects.equals(state, at.get(v.version())) && at.containsKey(v.version())
                  ? null
                  : "version_mismatch";
      case Call.Cond.Value v ->
          !exists ? "absent" : state.equals(v.value()) ? null : "value_mismatch";
    };
  }

  /** The model's step: the new state, or {@link #REFUSED} when the op cannot take effect here. */
  private static Object step(KeyOp k, String state, Map<Long, String> at) {
    if (k.kind() == Kind.READ) {
      Expect.Saw saw = (Expect.Saw) k.expect();
      return Objects.equals(saw.value(), state) ? state : REFUSED;
    }
    String failed = failure(k.cond(), state, at);
    return switch (k.expect()) {
      case Expect.Applied a -> failed == null ? k.value() : REFUSED;
      case Expect.FailedWith f -> f.reason().equals(failed) ? state : REFUSED;
      case Expect.Any any -> failed == null ? k.value() : state;
      case Expect.Saw s -> throw new IllegalStateException("a write expects a read");
    };
  }

  private static final Object REFUSED = new Object();

  private record CacheKey(BitSet linearized, String state) {}

  private static Verdict checkKey(String key, List<KeyOp> ops, long maxStates) {
    Map<Long, String> at = valuesByVersion(key, ops);
    int n = ops.size();
    // Events: a call per op, a return per op with a known outcome, ordered by time (calls first on
    // ties, so that operations touching in time count as concurrent).
    record Event(int op, boolean call, long time) {}
    List<Event> events = new ArrayList<>();
    int returns = 0;
    for (int i = 0; i < n; i++) {
      Operation o = ops.get(i).op();
      events.add(new Event(i, true, o.invokedNanos()));
      if (o.completedNanos() != Long.MAX_VALUE) {
        events.add(new Event(i, false, o.completedNanos()));
        returns++;
      }
    }
    events.sort(Comparator.comparingLong(Event::time).thenComparing(e -> !e.call()));
    int m = events.size();
    int[] next = new int[m + 1];
    int[] prev = new int[m + 1];
    int head = m; // sentinel
    int[] callAt = new int[n];
    int[] returnAt = new int[n];
    java.util.Arrays.fill(returnAt, -1);
    for (int i = 0; i < m; i++) {
      Event e = events.get(i);
      if (e.call()) {
        callAt[e.op()] = i;
      } else {
        returnAt[e.op()] = i;
      }
    }
    // doubly linked list with the sentinel at index m
    next[m] = m == 0 ? m : 0;
    prev[m] = m - 1 < 0 ? m : m - 1;
    for (int i = 0; i < m; i++) {
      next[i] = i + 1 < m ? i + 1 : m;
      prev[i] = i - 1 >= 0 ? i - 1 : m;
    }
    record Frame(int op, String state) {}
    ArrayDeque<Frame> stack = new ArrayDeque<>();
    BitSet linearized = new BitSet(n);
    Set<CacheKey> cache = new HashSet<>();
    String state = null;
    int remainingReturns = returns;
    int entry = next[head];
    List<Integer> deepest = List.of();
    while (remainingReturns > 0) {
      if (cache.size() > maxStates) {
        return new Verdict.Inconclusive(key, n);
      }
      // A remaining return always follows its call in the list, so the walk meets a return (or
      // linearizes something) before the end.
      Event e = events.get(entry);
      if (e.call()) {
        KeyOp k = ops.get(e.op());
        Object after = step(k, state, at);
        boolean moved = false;
        if (after != REFUSED) {
          BitSet with = (BitSet) linearized.clone();
          with.set(e.op());
          if (cache.add(new CacheKey(with, (String) after))) {
            stack.push(new Frame(e.op(), state));
            state = (String) after;
            linearized.set(e.op());
            if (returnAt[e.op()] >= 0) {
              remainingReturns--;
            }
            lift(e.op(), callAt, returnAt, next, prev);
            entry = next[head];
            moved = true;
            if (stack.size() > deepest.size()) {
              deepest = stack.stream().map(Frame::op).toList().reversed();
            }
          }
        }
        if (!moved) {
          entry = next[entry];
        }
      } else {
        // This operation returned before any order could place it: undo the last choice.
        if (stack.isEmpty()) {
          List<Operation> witness = new ArrayList<>();
          for (int i = Math.max(0, deepest.size() - 6); i < deepest.size(); i++) {
            witness.add(ops.get(deepest.get(i)).op());
          }
          if (deepest.size() < n) {
            // the first operation the longest order could not place
            BitSet placed = new BitSet(n);
            deepest.forEach(placed::set);
            for (Event ev : events) {
              if (!ev.call() && !placed.get(ev.op())) {
                witness.add(ops.get(ev.op()).op());
                break;
              }
            }
          }
          return new Verdict.Anomaly(key, n, witness);
        }
        Frame f = stack.pop();
        state = f.state();
        linearized.clear(f.op());
        if (returnAt[f.op()] >= 0) {
          remainingReturns++;
        }
        unlift(f.op(), callAt, returnAt, next, prev);
        entry = next[callAt[f.op()]];
      }
    }
    return new Verdict.Linearizable(key, n);
  }

  private static void lift(int op, int[] callAt, int[] returnAt, int[] next, int[] prev) {
    unlink(callAt[op], next, prev);
    if (returnAt[op] >= 0) {
      unlink(returnAt[op], next, prev);
    }
  }

  private static void unlift(int op, int[] callAt, int[] returnAt, int[] next, int[] prev) {
    if (returnAt[op] >= 0) {
      relink(returnAt[op], next, prev);
    }
    relink(callAt[op], next, prev);
  }

  private static void unlink(int i, int[] next, int[] prev) {
    next[prev[i]] = next[i];
    prev[next[i]] = prev[i];
  }

  private static void relink(int i, int[] next, int[] prev) {
    next[prev[i]] = i;
    prev[next[i]] = i;
  }
}
