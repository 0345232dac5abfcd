package io.objectkv.writer.validate;

import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.model.Reason;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.format.Entry;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * The outcome, and when it is {@link Outcome.Committed} the writes to make and the ranges to
   * delete (a write of the batch is never in one of its own deleted ranges: a later range removes
   * the earlier writes, a later write stands).
   */
  public record Decision(Outcome outcome, List<Mutation> mutations, List<Op.DeleteRange> ranges) {
    static Decision refused(Outcome outcome) {
      return new Decision(outcome, List.of(), List.of());
    }
  }

  /**
   * @param version the batch's version
   * @param nowMillis its commit time (log time): puts with a ttl expire from it, and conditions see
   *     a value past its expiry as absent
   */
  public static Decision decide(WriteBatch batch, long version, long nowMillis, StateLookup state) {
    String invalid = invalid(batch);
    if (invalid != null) {
      return Decision.refused(new Outcome.Rejected(invalid));
    }
    Current deleted = new Current(version, new byte[0]);
    Map<Key, Current> local = new LinkedHashMap<>();
    List<Op.DeleteRange> ranges = new ArrayList<>();
    List<Op> ops = batch.ops();
    for (int i = 0; i < ops.size(); i++) {
      switch (ops.get(i)) {
        case Op.DeleteRange d -> {
          ranges.add(d);
          local.replaceAll((k, c) -> d.contains(k.bytes()) ? deleted : c);
        }
        case Op.OnKey op -> {
          Key key = op.key();
          // Only a condition needs the key's state: unconditional writes read nothing.
          if (!(op.condition() instanceof Condition.None)) {
            Current current = local.get(key);
            if (current == null) {
              current = inDeletedRange(ranges, key) ? deleted : state.current(key);
            }
            Reason failed = check(op.condition(), current, nowMillis);
            if (failed != null) {
              return Decision.refused(
                  new Outcome.ConditionFailed(
                      i, key, failed, current.exists(nowMillis) ? current.version() : -1));
            }
          }
          switch (op) {
            case Op.Put p ->
                local.put(
                    key,
                    new Current(
                        version,
                        p.value(),
                        p.ttlMillis() == Op.Put.NO_TTL ? Entry.NEVER : nowMillis + p.ttlMillis()));
            case Op.Delete d -> local.put(key, deleted);
            case Op.Check c -> {}
          }
        }
      }
    }
    List<Mutation> mutations = new ArrayList<>(local.size());
    local.forEach(
        (k, c) -> {
          // A key deleted only by a range of this batch is the range's to delete.
          if (c != deleted || !inDeletedRange(ranges, k)) {
            mutations.add(new Mutation(k, c.value(), c.expiresAtMillis()));
          }
        });
    return new Decision(new Outcome.Committed(version), mutations, List.copyOf(ranges));
  }

  private static boolean inDeletedRange(List<Op.DeleteRange> ranges, Key key) {
    for (Op.DeleteRange d : ranges) {
      if (d.contains(key.bytes())) {
        return true;
      }
    }
    return false;
  }

  /** Why the condition fails for {@code current} at {@code nowMillis}, or null when it holds. */
  static Reason check(Condition condition, Current current, long nowMillis) {
    boolean exists = current.exists(nowMillis);
    return switch (condition) {
      case Condition.None n -> null;
      case Condition.Absent a -> exists ? Reason.EXISTS : null;
      case Condition.Exists e -> exists ? null : Reason.ABSENT;
      case Condition.VersionIs v ->
          !exists
              ? Reason.ABSENT
              : current.version() == v.version() ? null : Reason.VERSION_MISMATCH;
      case Condition.ValueIs v ->
          !exists
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
      if (op instanceof Op.DeleteRange d) {
        bytes += d.start().length + d.end().length;
        continue;
      }
      int k = ((Op.OnKey) op).key().bytes().length;
      if (k == 0 || k > Limits.MAX_KEY_BYTES) {
        return "keys are 1.." + Limits.MAX_KEY_BYTES + " bytes";
      }
      bytes += k;
      if (op instanceof Op.Put p) {
        if (p.value().length > Limits.MAX_VALUE_BYTES) {
          return "values are at most " + Limits.MAX_VALUE_BYTES + " bytes";
        }
        if (p.ttlMillis() > Limits.MAX_TTL_MILLIS) {
          return "a ttl is at most " + Limits.MAX_TTL_MILLIS + " ms";
        }
        bytes += p.value().length;
      }
    }
    return bytes > Limits.MAX_BATCH_BYTES
        ? "a batch is at most " + Limits.MAX_BATCH_BYTES + " bytes"
        : null;
  }
}
