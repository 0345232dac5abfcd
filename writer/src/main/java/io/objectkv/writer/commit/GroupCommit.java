package io.objectkv.writer.commit;

import io.objectkv.core.codec.OutcomeCodec;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.manifest.SstInfo;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.Outcome;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstSummary;
import io.objectkv.format.SstWriter;
import io.objectkv.format.WalRecord;
import io.objectkv.format.WalSection;
import io.objectkv.writer.validate.Mutation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one group of log records amounts to: the writes (newest per key), the outcome of every batch
 * with what it wrote (for the WAL section, and replies for the gateways), the request ids to
 * remember, and accepted compactions. One group becomes at most one L0 object and exactly one
 * manifest delta.
 */
public final class GroupCommit {
  private record Write(long version, byte[] value, long expiresAtMillis) {}

  private final TreeMap<Key, Write> writes = new TreeMap<>();
  private final List<RangeTombstone> rangeDeletes = new ArrayList<>();
  private final List<WalRecord> wal = new ArrayList<>();
  private final List<Reply> replies = new ArrayList<>();
  private final List<RequestRecord> requests = new ArrayList<>();
  private final List<ManifestEdit> compactions = new ArrayList<>();
  private long lastVersion = -1;
  private int batches;
  private long writeBytes;
  private long walWriteBytes;

  /** The writes of the batch at {@code batchWritesVersion}, until its outcome records them. */
  private List<Entry> batchWrites = List.of();

  private List<RangeTombstone> batchRanges = List.of();

  private long batchWritesVersion = -1;

  /**
   * A client batch's outcome; {@code requestId} null when it sent none, {@code remembered} the
   * record to remember for retries (null when nothing new is remembered).
   */
  public void outcome(
      long version,
      String replyTo,
      long correlationId,
      String requestId,
      Outcome outcome,
      RequestRecord remembered) {
    advance(version);
    batches++;
    byte[] id = requestId == null ? new byte[0] : requestId.getBytes(StandardCharsets.UTF_8);
    boolean wrote = batchWritesVersion == version;
    List<Entry> written = wrote ? batchWrites : List.of();
    List<RangeTombstone> ranges = wrote ? batchRanges : List.of();
    batchWrites = List.of();
    batchRanges = List.of();
    wal.add(new WalRecord(version, id, OutcomeCodec.encode(outcome), written, ranges));
    // A failed condition's key is the gateway's own: it names it from its batch.
    replies.add(new Reply(replyTo, correlationId, outcome.withoutKey()));
    if (remembered != null) {
      requests.add(remembered);
    }
  }

  /**
   * The writes and deleted ranges of a committed batch; its {@link #outcome} follows. No write is
   * in one of the ranges (the batch's decision already applied them to its own writes).
   */
  public void write(long version, List<Mutation> mutations, List<Op.DeleteRange> ranges) {
    List<Entry> entries = new ArrayList<>(mutations.size());
    for (Mutation m : mutations) {
      entries.add(new Entry(m.key().bytes(), version, m.value(), m.expiresAtMillis()));
      walWriteBytes += m.key().bytes().length + m.value().length + 8;
    }
    entries.sort((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
    List<RangeTombstone> tombstones = new ArrayList<>(ranges.size());
    for (Op.DeleteRange r : ranges) {
      tombstones.add(new RangeTombstone(r.start(), r.end(), version));
      walWriteBytes += 2L * (r.start().length + r.end().length);
    }
    batchWrites = entries;
    batchRanges = tombstones;
    batchWritesVersion = version;
    rangeDeletes.addAll(tombstones);
    for (Mutation m : mutations) {
      Write old = writes.put(m.key(), new Write(version, m.value(), m.expiresAtMillis()));
      writeBytes +=
          m.key().bytes().length
              + m.value().length
              - (old == null ? 0 : m.key().bytes().length + old.value.length);
    }
  }

  public void compaction(ManifestEdit.Compaction c, long version) {
    advance(version);
    compactions.add(c);
  }

  /** A record that changes nothing (undecodable): the group still moves past it. */
  public void advance(long version) {
    lastVersion = Math.max(lastVersion, version);
  }

  public long lastVersion() {
    return lastVersion;
  }

  public boolean hasWrites() {
    return !writes.isEmpty() || !rangeDeletes.isEmpty();
  }

  public int batches() {
    return batches;
  }

  public int writtenKeys() {
    return writes.size();
  }

  public long writeBytes() {
    return writeBytes;
  }

  public List<Reply> replies() {
    return replies;
  }

  public List<RequestRecord> requests() {
    return requests;
  }

  public List<ManifestEdit> compactions() {
    return compactions;
  }

  /** The version each written key got. */
  public Map<Key, Long> writtenVersions() {
    Map<Key, Long> versions = new HashMap<>(writes.size() * 2);
    writes.forEach((k, w) -> versions.put(k, w.version));
    return versions;
  }

  /** The L0 object: the SST of the writes, with the WAL section of every outcome. */
  public L0Object buildL0(String objectKey, SstOptions options) {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(
            (int)
                Math.min(
                    Integer.MAX_VALUE - 64,
                    writeBytes + walWriteBytes + writes.size() * 16L + 4096));
    SstWriter sst = new SstWriter(out, options);
    writes.forEach((k, w) -> sst.add(k.bytes(), w.version, w.value, w.expiresAtMillis));
    rangeDeletes.forEach(sst::addRangeTombstone);
    SstSummary summary = sst.finish(WalSection.encode(wal));
    return new L0Object(objectKey, out.toByteArray(), SstInfo.of(objectKey, summary));
  }

  /** A built L0 object, not yet uploaded. */
  public record L0Object(String key, byte[] bytes, SstInfo info) {}
}
