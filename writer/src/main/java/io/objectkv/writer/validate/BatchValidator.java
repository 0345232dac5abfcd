package io.objectkv.writer.validate;

import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides a batch: each operation's condition is checked, in order, against the current state plus
 * the effects of the earlier operations of the same batch. The first failed condition aborts the
 * batch: nothing of it is applied. A pure function of the batch, its version and the state, so
 * replaying the log gives the same outcomes.
 */
public final class BatchValidator {
  private BatchValidator() {}

  /** Where conditions read a key's current state. */
  @FunctionalInterface
  public interface StateLookup {
    Current current(Key key);
  }

  /** The outcome, and the writes to make when it is {@link Outcome.Committed}. */
  public record Decision(Outcome outcome, List<Mutation> mutations) {}

  public static Decision decide(WriteBatch batch, long version, StateLookup state) {
    String invalid = invalid(batch);
    if (invalid != null) {
      return new Decision(new Outcome.Rejected(invalid), List.of());
    }
    Map<Key, Current> local = new HashMap<>();
    Map<Key, byte[]> writes = new LinkedHashMap<>();
    List<Op> ops = batch.ops();
    for (int i = 0; i < ops.size(); i++) {
      Op op = ops.get(i);
      Key key = op.key();
      // Only a condition needs the key's state: unconditional writes read nothing.
      if (!(op.condition() instanceof Condition.None)) {
        Current current = local.containsKey(key) ? local.get(key) : state.current(key);
        Reason failed = check(op.condition(), current);
        if (failed != null) {
          return new Decision(
              new Outcome.ConditionFailed(
                  i, key, failed, current.exists() ? current.version() : -1),
              List.of());
        }
      }
      switch (op) {
        case Op.Put p -> {
          local.put(key, new Current(version, p.value()));
          writes.put(key, p.value());
        }
        case Op.Delete d -> {
          local.put(key, new Current(version, new byte[0]));
          writes.put(key, new byte[0]);
        }
        case Op.Check c -> {}
      }
    }
    List<Mutation> mutations = new ArrayList<>(writes.size());
    writes.forEach((k, v) -> mutations.add(new Mutation(k, v)));
    return new Decision(new Outcome.Committed(version), mutations);
  }

  /** Why the condition fails for {@code current}, or null when it holds. */
  static Reason check(Condition condition, Current current) {
    return switch (condition) {
      case Condition.None n -> null;
      case Condition.Absent a -> current.exists() ? Reason.EXISTS : null;
      case Condition.Exists e -> current.exists() ? null : Reason.ABSENT;
      case Condition.VersionIs v ->
          !current.exists()
              ? Reason.ABSENT
              : current.version() == v.version() ? null : Reason.VERSION_MISMATCH;
      case Condition.ValueIs v ->
          !current.exists()
              ? Reason.ABSENT
              : Arrays.equals(current.value(), v.value()) ? null : Reason.VALUE_MISMATCH;
    };
  }

  /** The gateway enforces the limits; the writer checks again, since anyone can produce. */
  private static String invalid(WriteBatch batch) {
    if (batch.ops().isEmpty()) {
      return "a batch needs at least one operation";
    }
    if (batch.ops().size() > Limits.MAX_BATCH_OPS) {
      return "a batch has at most " + Limits.MAX_BATCH_OPS + " operations";
    }
    long bytes = 0;
    for (Op op : batch.ops()) {
      int k = op.key().bytes().length;
      if (k == 0 || k > Limits.MAX_KEY_BYTES) {
        return "keys are 1.." + Limits.MAX_KEY_BYTES + " bytes";
      }
      bytes += k;
      if (op instanceof Op.Put p) {
        if (p.value().length > Limits.MAX_VALUE_BYTES) {
          return "values are at most " + Limits.MAX_VALUE_BYTES + " bytes";
        }
        bytes += p.value().length;
      }
    }
    return bytes > Limits.MAX_BATCH_BYTES
        ? "a batch is at most " + Limits.MAX_BATCH_BYTES + " bytes"
        : null;
  }
}
