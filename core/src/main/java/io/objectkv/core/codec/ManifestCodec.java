package io.objectkv.core.codec;

import io.objectkv.core.log.Replies;
import io.objectkv.core.log.Reply;
import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestLogRecord;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.core.manifest.WriterFence;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;
import io.objectkv.format.CorruptionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Manifest deltas (records of the manifest log) and snapshots (objects in the store). Both start
 * with a version byte; a snapshot ends with a CRC32C of everything before it, since object storage,
 * unlike Kafka, does not checksum what it returns. Deltas are written in version 4 (the replies to
 * gateways and the copies of small new objects each behind a length, so followers skip what they do
 * not use), snapshots in version 2 (log time, request ids with their decision time, the ledger
 * behind a length so readers skip it); versions 1 to 3 of deltas and 1 of snapshots are read.
 */
public final class ManifestCodec {
  private ManifestCodec() {}

  public static final int DELTA_VERSION = 4;
  public static final int SNAPSHOT_VERSION = 2;

  /**
   * The first byte of a writer fence record; a delta starts with its version (1 to 4) instead.
   * Readers of version 2 without fences fail on it with "unsupported version", as they should.
   */
  private static final int FENCE = 0x46; // 'F'

  private static final int ADD_L0 = 1;
  private static final int COMPACTION = 2;

  /**
   * A compaction into L0 (a tier merge), laid out as {@link #COMPACTION}. A tag of its own, so a
   * follower that predates it stops at it ("unknown manifest edit tag") rather than put the output
   * in L1: upgrade readers, writers and compactors in that order (docs/format.md).
   */
  private static final int COMPACTION_INTO_L0 = 3;

  /** Whether a snapshot is decoded with its request ledger (only writers need it). */
  public enum Ledger {
    READ,
    SKIP
  }

  /** A delta that answers nobody (tests, and tools that append to the manifest log). */
  public static byte[] encode(ManifestDelta d) {
    return encode(d, Replies.NONE, Map.of());
  }

  /**
   * A delta with the replies of its group's batches (see {@link Replies}) and {@code copies}: the
   * bytes of new objects it adds, by object key, exactly as they were stored, so that followers
   * need not read them back (see {@link LogEntry}).
   */
  public static byte[] encode(ManifestDelta d, Replies replies, Map<String, byte[]> copies) {
    int copyBytes = copies.values().stream().mapToInt(b -> b.length + 64).sum();
    ByteWriter w = new ByteWriter(256 + replies.replies().size() * 8 + copyBytes);
    w.writeByte(DELTA_VERSION);
    w.writeVarint(d.id());
    w.writeVarint(d.writerEpoch());
    Fields.writeOptionalVersion(w, d.appliedVersion());
    w.writeVarint(d.logTimeMillis());
    w.writeLengthPrefixed(encodeReplies(replies));
    w.writeLengthPrefixed(encodeCopies(copies));
    w.writeVarint(d.edits().size());
    for (ManifestEdit e : d.edits()) {
      writeEdit(w, e);
    }
    writeLedger(w, d.requests(), d.logTimeMillis());
    return w.toByteArray();
  }

  /** The bytes {@code edit} adds to an encoded delta. */
  public static int encodedSize(ManifestEdit edit) {
    ByteWriter w = new ByteWriter(64);
    writeEdit(w, edit);
    return w.toByteArray().length;
  }

  /** The bytes {@code r} adds to an encoded delta (at most, whatever its decision time). */
  public static int encodedSize(RequestRecord r) {
    ByteWriter w = new ByteWriter(64);
    writeRequest(w, r, r.decidedAtMillis());
    return w.toByteArray().length + 9;
  }

  private static void writeEdit(ByteWriter w, ManifestEdit e) {
    switch (e) {
      case ManifestEdit.AddL0 add -> {
        w.writeByte(ADD_L0);
        Fields.writeSstInfo(w, add.sst());
      }
      case ManifestEdit.Compaction c -> {
        w.writeByte(
            switch (c.into()) {
              case L0 -> COMPACTION_INTO_L0;
              case L1 -> COMPACTION;
            });
        Fields.writeStrings(w, c.inputsL0());
        Fields.writeStrings(w, c.inputsL1());
        Fields.writeSstInfos(w, c.outputs());
      }
    }
  }

  public static byte[] encode(WriterFence f) {
    ByteWriter w = new ByteWriter(16);
    w.writeByte(FENCE);
    w.writeVarint(f.epoch());
    w.writeVarint(f.logTimeMillis());
    return w.toByteArray();
  }

  /**
   * A record of the manifest log (a delta or a writer fence) and the copies of new objects it
   * carries, by object key: none for a fence or a delta written before copies (versions 1 to 3). A
   * copy holds the object's bytes exactly as they were stored; the record's own checksum in the log
   * covers them.
   */
  public record LogEntry(ManifestLogRecord record, Map<String, byte[]> copies) {}

  /** A record of the manifest log with its copies, decoded in one pass. */
  public static LogEntry decodeLogEntry(String source, byte[] bytes) {
    if (bytes.length == 0 || (bytes[0] & 0xff) != FENCE) {
      Map<String, byte[]> copies = new LinkedHashMap<>();
      return new LogEntry(decodeDelta(source, bytes, copies), copies);
    }
    ByteReader r = ByteReader.of(source, bytes);
    r.readByte();
    WriterFence f = new WriterFence(r.readVarint(), r.readVarint());
    r.expectEnd("writer fence");
    return new LogEntry(f, Map.of());
  }

  /** A delta, without its replies and copies. */
  public static ManifestDelta decodeDelta(String source, byte[] bytes) {
    return decodeDelta(source, bytes, null);
  }

  /** A delta; its copies go to {@code copies} unless that is null (then they are skipped). */
  private static ManifestDelta decodeDelta(
      String source, byte[] bytes, Map<String, byte[]> copies) {
    ByteReader r = ByteReader.of(source, bytes);
    int version = Fields.readVersion(r, source, 1, DELTA_VERSION);
    long id = r.readVarint();
    long epoch = r.readVarint();
    long applied = Fields.readOptionalVersion(r);
    long logTime = version >= 2 ? r.readVarint() : 0;
    if (version >= 3) {
      r.skip(r.readLength(Integer.MAX_VALUE, "replies length"));
    }
    if (version >= 4) {
      int length = r.readLength(Integer.MAX_VALUE, "copies length");
      if (copies == null) {
        r.skip(length);
      } else {
        readCopies(r, length, copies);
      }
    }
    int n = Fields.readCount(r, "edit");
    List<ManifestEdit> edits = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      int tag = r.readByte();
      edits.add(
          switch (tag) {
            case ADD_L0 -> new ManifestEdit.AddL0(Fields.readSstInfo(r));
            case COMPACTION, COMPACTION_INTO_L0 ->
                new ManifestEdit.Compaction(
                    Fields.readStrings(r, "removed L0"),
                    Fields.readStrings(r, "removed L1"),
                    Fields.readSstInfos(r, "added"),
                    tag == COMPACTION ? ManifestEdit.Level.L1 : ManifestEdit.Level.L0);
            default -> throw r.corrupt("unknown manifest edit tag " + tag);
          });
    }
    List<RequestRecord> requests = readLedger(r, version, logTime);
    r.expectEnd("manifest delta");
    return new ManifestDelta(id, epoch, applied, logTime, edits, requests);
  }

  /**
   * The replies of a record of the manifest log, read without its edits and ledger: {@link
   * Replies#NONE} for a fence or a delta written before replies (versions 1 and 2).
   */
  public static Replies decodeReplies(String source, byte[] bytes) {
    if (bytes.length == 0 || (bytes[0] & 0xff) == FENCE) {
      return Replies.NONE;
    }
    ByteReader r = ByteReader.of(source, bytes);
    int version = Fields.readVersion(r, source, 1, DELTA_VERSION);
    if (version < 3) {
      return Replies.NONE;
    }
    r.readVarint(); // id
    r.readVarint(); // writer epoch
    Fields.readOptionalVersion(r); // applied version
    r.readVarint(); // log time
    int length = r.readLength(Integer.MAX_VALUE, "replies length");
    int end = r.position() + length;
    long logOffset = Fields.readOptionalVersion(r);
    int runs = Fields.readCount(r, "reply run");
    List<Reply> replies = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      String replyTo = Fields.readString(r, "reply-to");
      int n = Fields.readCount(r, "reply");
      for (int j = 0; j < n; j++) {
        replies.add(new Reply(replyTo, r.readVarint(), Fields.readOutcome(r)));
      }
    }
    if (r.position() != end) {
      throw r.corrupt("replies end at " + r.position() + ", not at " + end);
    }
    return new Replies(logOffset, replies);
  }

  private static void readCopies(ByteReader r, int length, Map<String, byte[]> copies) {
    int end = r.position() + length;
    int n = Fields.readCount(r, "copy");
    for (int i = 0; i < n; i++) {
      String key = Fields.readString(r, "copied object key");
      copies.put(key, r.readLengthPrefixed(Integer.MAX_VALUE, "copy of " + key));
    }
    if (r.position() != end) {
      throw r.corrupt("copies end at " + r.position() + ", not at " + end);
    }
  }

  private static byte[] encodeCopies(Map<String, byte[]> copies) {
    ByteWriter w = new ByteWriter(8 + copies.values().stream().mapToInt(b -> b.length + 64).sum());
    w.writeVarint(copies.size());
    copies.forEach(
        (key, bytes) -> {
          Fields.writeString(w, key);
          w.writeLengthPrefixed(bytes);
        });
    return w.toByteArray();
  }

  /** Replies in runs of one gateway each, so a gateway's id is written once per run. */
  private static byte[] encodeReplies(Replies replies) {
    ByteWriter w = new ByteWriter(16 + replies.replies().size() * 8);
    Fields.writeOptionalVersion(w, replies.logOffset());
    Map<String, List<Reply>> runs = new LinkedHashMap<>();
    for (Reply reply : replies.replies()) {
      runs.computeIfAbsent(reply.replyTo(), k -> new ArrayList<>()).add(reply);
    }
    w.writeVarint(runs.size());
    runs.forEach(
        (replyTo, run) -> {
          Fields.writeString(w, replyTo);
          w.writeVarint(run.size());
          for (Reply reply : run) {
            w.writeVarint(reply.correlationId());
            Fields.writeOutcome(w, reply.outcome());
          }
        });
    return w.toByteArray();
  }

  /**
   * The most bytes a reply to {@code replyTo} adds to an encoded delta, whatever its outcome (a
   * failed condition travels without its key; messages are the writer's own, short).
   */
  public static int maxEncodedReplySize(String replyTo) {
    return replyTo.getBytes(StandardCharsets.UTF_8).length + 8 + 10 + 160;
  }

  /** Request records, their decision times stored as ages before {@code logTime}. */
  private static void writeLedger(ByteWriter w, List<RequestRecord> ledger, long logTime) {
    w.writeVarint(ledger.size());
    for (RequestRecord rr : ledger) {
      writeRequest(w, rr, logTime);
    }
  }

  private static void writeRequest(ByteWriter w, RequestRecord rr, long logTime) {
    if (rr.decidedAtMillis() > logTime) {
      throw new IllegalArgumentException(
          "request " + rr.requestId() + " decided after log time " + logTime);
    }
    Fields.writeString(w, rr.requestId());
    w.writeVarint(logTime - rr.decidedAtMillis());
    Fields.writeOutcome(w, rr.outcome());
  }

  private static List<RequestRecord> readLedger(ByteReader r, int version, long logTime) {
    int n = Fields.readCount(r, "request");
    List<RequestRecord> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      String id = Fields.readString(r, "request id");
      long age = version >= 2 ? r.readVarint() : 0;
      if (age > logTime) {
        throw r.corrupt("request " + id + " decided before log time 0");
      }
      out.add(new RequestRecord(id, Fields.readOutcome(r), logTime - age));
    }
    return out;
  }

  public static byte[] encode(ManifestSnapshot s) {
    ByteWriter w = new ByteWriter(1024);
    Manifest m = s.manifest();
    w.writeByte(SNAPSHOT_VERSION);
    w.writeVarint(m.id());
    w.writeVarint(m.writerEpoch());
    Fields.writeOptionalVersion(w, m.appliedVersion());
    Fields.writeOptionalVersion(w, s.logOffset());
    w.writeVarint(m.logTimeMillis());
    Fields.writeSstInfos(w, m.l0());
    Fields.writeSstInfos(w, m.l1());
    ByteWriter ledger = new ByteWriter(64 + s.ledger().size() * 48);
    writeLedger(ledger, s.ledger(), m.logTimeMillis());
    w.writeLengthPrefixed(ledger.toByteArray());
    CRC32C crc = new CRC32C();
    byte[] body = w.toByteArray();
    crc.update(body);
    w.writeInt((int) crc.getValue());
    return w.toByteArray();
  }

  public static ManifestSnapshot decodeSnapshot(String source, byte[] bytes) {
    return decodeSnapshot(source, bytes, Ledger.READ);
  }

  /** A snapshot; with {@link Ledger#SKIP} its ledger is checksummed but not decoded (empty). */
  public static ManifestSnapshot decodeSnapshot(String source, byte[] bytes, Ledger ledger) {
    if (bytes.length < 5) {
      throw new CorruptionException(source, 0, "snapshot of " + bytes.length + " bytes");
    }
    int bodyLength = bytes.length - 4;
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bodyLength);
    ByteReader trailer = new ByteReader(source, bodyLength, bytes, bodyLength, bytes.length);
    if (trailer.readInt() != (int) crc.getValue()) {
      throw new CorruptionException(source, bodyLength, "snapshot checksum mismatch");
    }
    ByteReader r = new ByteReader(source, 0, bytes, 0, bodyLength);
    int version = Fields.readVersion(r, source, 1, SNAPSHOT_VERSION);
    long id = r.readVarint();
    long epoch = r.readVarint();
    long applied = Fields.readOptionalVersion(r);
    long logOffset = Fields.readOptionalVersion(r);
    long logTime = version >= 2 ? r.readVarint() : 0;
    Manifest m =
        new Manifest(
            id,
            epoch,
            applied,
            logTime,
            Fields.readSstInfos(r, "L0"),
            Fields.readSstInfos(r, "L1"));
    List<RequestRecord> requests = List.of();
    if (version == 1) {
      requests = readLedger(r, version, logTime);
    } else {
      int length = r.readLength(Integer.MAX_VALUE, "ledger length");
      if (ledger == Ledger.SKIP) {
        r.skip(length);
      } else {
        int end = r.position() + length;
        requests = readLedger(r, version, logTime);
        if (r.position() != end) {
          throw r.corrupt("the ledger ends at " + r.position() + ", not at " + end);
        }
      }
    }
    r.expectEnd("manifest snapshot");
    return new ManifestSnapshot(m, logOffset, requests);
  }
}
