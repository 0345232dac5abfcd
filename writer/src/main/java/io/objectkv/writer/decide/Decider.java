package io.objectkv.writer.decide;

import io.objectkv.core.codec.LogCodec;
import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.model.Outcome;
import io.objectkv.core.read.LsmView;
import io.objectkv.format.FormatException;
import io.objectkv.format.SstOptions;
import io.objectkv.writer.commit.GroupCommit;
import io.objectkv.writer.validate.BatchValidator;
import io.objectkv.writer.validate.KeyStates;
import io.objectkv.writer.validate.Mutation;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides groups of write-log records: what each batch's outcome is, what the group writes, and the
 * manifest delta that publishes it. A pure function of the state it was built from (a committed
 * manifest, its request book and the database's keys) and the records, their offsets and log
 * timestamps: no clock, no randomness (L0 object names are given), no I/O beyond reading committed
 * keys. So a writer that replays the log from the same manifest decides the same, and a seeded
 * simulation can check it against a model.
 *
 * <p>Deadlines, request-id retention and compaction age are judged in log time: the largest record
 * timestamp decided so far (the broker's append time), carried in every delta.
 *
 * <p>A group ends early, before the record that would take its delta over {@link
 * Bounds#deltaBytes}: the rest is decided in the next group, so no client input can make a delta
 * larger than the manifest log takes.
 */
public final class Decider {
  /**
   * The decider's bounds.
   *
   * @param requestRetention how long (log time) a request id's first outcome is remembered
   * @param requestBookBytes bound of the remembered outcomes; beyond it new ids are answered busy
   * @param deltaBytes bound of one manifest delta (the manifest log takes 8 MiB records)
   * @param compactionMaxAge a compaction committed later than this after its start is refused
   */
  public record Bounds(
      Duration requestRetention, long requestBookBytes, int deltaBytes, Duration compactionMaxAge) {
    public static final Bounds DEFAULT =
        new Bounds(
            Duration.ofSeconds(60),
            64L << 20,
            4 << 20,
            LogCommand.CompactionCommit.DEFAULT_MAX_AGE);

    public Bounds {
      if (deltaBytes < 64 << 10 || compactionMaxAge.isNegative()) {
        throw new IllegalArgumentException("bad decider bounds " + this);
      }
    }
  }

  /** Names the L0 object of a group whose last version is {@code lastVersion}. */
  @FunctionalInterface
  public interface L0Names {
    String next(long lastVersion);
  }

  /** What happened to the records of a group, counted. */
  public enum Tally {
    COMMITTED,
    CONDITION_FAILED,
    REJECTED,
    DUPLICATE,
    EXPIRED,
    BUSY,
    UNDECODABLE,
    COMPACTION_APPLIED,
    COMPACTION_REJECTED
  }

  /**
   * A decided group.
   *
   * @param consumed how many of the records given it decided (the rest open the next group)
   * @param delta the manifest delta that publishes it
   * @param manifest the manifest after it
   * @param l0 its L0 object, null when it writes nothing
   */
  public record Decision(
      int consumed,
      ManifestDelta delta,
      Manifest manifest,
      GroupCommit group,
      GroupCommit.L0Object l0,
      int[] tally) {
    public int count(Tally t) {
      return tally[t.ordinal()];
    }
  }

  private final Bounds bounds;
  private final long epoch;
  private final RequestBook book;
  private final KeyStates keys;
  private final L0Names l0Names;
  private final SstOptions sstOptions;
  private Manifest prepared;
  private long logTime;

  /**
   * @param committed the manifest the book and the keys reflect
   * @param epoch this writer's epoch (greater than every earlier one)
   */
  public Decider(
      Manifest committed,
      long epoch,
      RequestBook book,
      KeyStates keys,
      L0Names l0Names,
      SstOptions sstOptions,
      Bounds bounds) {
    this.prepared = committed;
    this.logTime = committed.logTimeMillis();
    this.epoch = epoch;
    this.book = book;
    this.keys = keys;
    this.l0Names = l0Names;
    this.sstOptions = sstOptions;
    this.bounds = bounds;
  }

  /** The manifest after every decided group, committed or not. */
  public Manifest prepared() {
    return prepared;
  }

  /** The next offset to decide. */
  public long nextOffset() {
    return prepared.appliedVersion() + 1;
  }

  /**
   * Decides a prefix of {@code records} (at least one), which must continue the log exactly.
   *
   * @throws LogGapException when records are missing before the first one
   * @throws IllegalStateException when the records go back to offsets already decided
   */
  public Decision decide(List<LogRecord> records) {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("nothing to decide");
    }
    GroupCommit group = new GroupCommit();
    int[] tally = new int[Tally.values().length];
    Manifest working = prepared;
    long deltaId = prepared.id() + 1;
    long clock = logTime;
    int deltaBytes = 64;
    int consumed = 0;
    for (LogRecord r : records) {
      long version = r.offset();
      long expected =
          (group.lastVersion() >= 0 ? group.lastVersion() : prepared.appliedVersion()) + 1;
      if (version < expected) {
        // A rebalance may hand the partition back at an older position: deciding a record twice
        // would reuse its version, so the role ends and recovers from the manifest instead.
        throw new IllegalStateException(
            "the write log went back to offset " + version + " after " + (expected - 1));
      }
      if (version > expected) {
        throw new LogGapException(
            "the write log skips from offset "
                + (expected - 1)
                + " to "
                + version
                + ": records the manifest has not applied are gone (retention, or the topics were"
                + " recreated); refusing to decide past them");
      }
      long now = Math.max(clock, r.timestampMillis());
      LogCommand command;
      try {
        command = LogCodec.decodeCommand("writes@" + version, r.value());
      } catch (FormatException e) {
        tally[Tally.UNDECODABLE.ordinal()]++;
        group.advance(version);
        clock = now;
        consumed++;
        continue;
      }
      int bytes =
          switch (command) {
            case LogCommand.ClientBatch b ->
                ManifestCodec.maxEncodedReplySize(b.replyTo())
                    + (b.batch().requestId() == null
                        ? 0
                        : b.batch().requestId().getBytes(StandardCharsets.UTF_8).length + 64);
            case LogCommand.CompactionStart s -> 0;
            case LogCommand.CompactionCommit c -> ManifestCodec.encodedSize(c.edit());
          };
      if (consumed > 0 && deltaBytes + bytes > bounds.deltaBytes()) {
        break; // the rest opens the next group
      }
      deltaBytes += bytes;
      clock = now;
      consumed++;
      switch (command) {
        case LogCommand.ClientBatch b -> decideBatch(group, tally, version, now, deltaId, b);
        case LogCommand.CompactionStart s -> group.advance(version);
        case LogCommand.CompactionCommit c -> {
          ManifestEdit.Compaction edit = c.edit();
          if (bytes <= bounds.deltaBytes()
              && c.startedAtMillis() >= 0
              && now - c.startedAtMillis() <= bounds.compactionMaxAge().toMillis()
              && working.accepts(edit)) {
            working = working.withEdits(List.of(edit));
            group.compaction(edit, version);
            tally[Tally.COMPACTION_APPLIED.ordinal()]++;
          } else {
            group.advance(version);
            tally[Tally.COMPACTION_REJECTED.ordinal()]++;
          }
        }
      }
    }
    List<ManifestEdit> edits = new ArrayList<>(group.compactions());
    GroupCommit.L0Object l0 = null;
    if (group.hasWrites()) {
      l0 = group.buildL0(l0Names.next(group.lastVersion()), sstOptions);
      edits.add(new ManifestEdit.AddL0(l0.info()));
    }
    ManifestDelta delta =
        new ManifestDelta(deltaId, epoch, group.lastVersion(), clock, edits, group.requests());
    Manifest next = prepared.apply(delta); // invariants are checked before anything is published
    prepared = next;
    logTime = clock;
    return new Decision(consumed, delta, next, group, l0, tally);
  }

  private void decideBatch(
      GroupCommit group,
      int[] tally,
      long version,
      long now,
      long deltaId,
      LogCommand.ClientBatch b) {
    String requestId = b.batch().requestId();
    if (requestId != null) {
      Outcome first = book.lookup(requestId, b.batch(), now);
      if (first != null) {
        tally[Tally.DUPLICATE.ordinal()]++;
        group.outcome(version, b.replyTo(), b.correlationId(), requestId, first, null);
        return;
      }
    }
    if (b.deadlineMillis() != LogCommand.NO_DEADLINE && now > b.deadlineMillis()) {
      tally[Tally.EXPIRED.ordinal()]++;
      Outcome expired = new Outcome.Expired(b.deadlineMillis(), now);
      group.outcome(version, b.replyTo(), b.correlationId(), requestId, expired, null);
      return;
    }
    if (requestId != null && book.full(requestId.getBytes(StandardCharsets.UTF_8).length, now)) {
      tally[Tally.BUSY.ordinal()]++;
      Outcome busy =
          new Outcome.Busy(
              "the writer remembers as many request ids as its bound allows"
                  + " (OBJECTKV_WRITER_REQUEST_BOOK_BYTES); retry shortly");
      group.outcome(version, b.replyTo(), b.correlationId(), requestId, busy, null);
      return;
    }
    BatchValidator.Decision d = BatchValidator.decide(b.batch(), version, now, keys);
    switch (d.outcome()) {
      case Outcome.Committed c -> {
        // Ranges first: they drop older pending writes, never this batch's own.
        keys.deleteRanges(d.ranges(), version);
        for (Mutation m : d.mutations()) {
          keys.write(m.key(), version, m.value(), m.expiresAtMillis());
        }
        group.write(version, d.mutations(), d.ranges());
        tally[Tally.COMMITTED.ordinal()]++;
      }
      case Outcome.ConditionFailed f -> tally[Tally.CONDITION_FAILED.ordinal()]++;
      default -> tally[Tally.REJECTED.ordinal()]++;
    }
    RequestRecord remembered = null;
    if (requestId != null) {
      remembered = RequestBook.recordOf(requestId, d.outcome(), now);
      book.remember(remembered, deltaId);
    }
    group.outcome(version, b.replyTo(), b.correlationId(), requestId, d.outcome(), remembered);
  }

  /** A decided group committed; {@code view} is the database including it. */
  public void committed(Decision d, LsmView view) {
    book.committed(d.delta());
    keys.groupCommitted(view, d.group().writtenVersions());
  }
}
