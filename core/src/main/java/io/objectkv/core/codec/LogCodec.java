package io.objectkv.core.codec;

import io.objectkv.core.log.LogCommand;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records of the write log. Layout: {@code version u8 | type u8 | body}; see docs/format.md,
 * section 8. Written in version 2 and read in 1 and 2 (version 1 has no deadlines and no compaction
 * start times). Outcomes go back to gateways in manifest deltas ({@code ManifestCodec}).
 */
public final class LogCodec {
  private LogCodec() {}

  public static final int WRITE_LOG_VERSION = 2;
  private static final int CLIENT_BATCH = 1;
  private static final int COMPACTION_COMMIT = 2;
  private static final int COMPACTION_START = 3;

  /** A compaction commit into L0, laid out as {@link #COMPACTION_COMMIT} (see ManifestCodec). */
  private static final int COMPACTION_COMMIT_INTO_L0 = 4;

  public static byte[] encode(LogCommand command) {
    ByteWriter w = new ByteWriter(256);
    w.writeByte(WRITE_LOG_VERSION);
    switch (command) {
      case LogCommand.ClientBatch b -> {
        w.writeByte(CLIENT_BATCH);
        Fields.writeString(w, b.replyTo());
        w.writeVarint(b.correlationId());
        w.writeVarint(b.deadlineMillis());
        String requestId = b.batch().requestId();
        w.writeByte(requestId == null ? 0 : 1);
        if (requestId != null) {
          Fields.writeString(w, requestId);
        }
        w.writeVarint(b.batch().ops().size());
        b.batch().ops().forEach(op -> Fields.writeOp(w, op));
      }
      case LogCommand.CompactionCommit c -> {
        w.writeByte(
            switch (c.into()) {
              case L0 -> COMPACTION_COMMIT_INTO_L0;
              case L1 -> COMPACTION_COMMIT;
            });
        Fields.writeString(w, c.compactionId());
        Fields.writeOptionalVersion(w, c.startedAtMillis());
        Fields.writeStrings(w, c.inputsL0());
        Fields.writeStrings(w, c.inputsL1());
        Fields.writeSstInfos(w, c.outputs());
      }
      case LogCommand.CompactionStart s -> {
        w.writeByte(COMPACTION_START);
        Fields.writeString(w, s.compactionId());
      }
    }
    return w.toByteArray();
  }

  /** Whether a write-log record is a compaction commit, without decoding it. */
  public static boolean isCompactionCommit(byte[] record) {
    return record.length > 1
        && record[0] >= 1
        && record[0] <= WRITE_LOG_VERSION
        && (record[1] == COMPACTION_COMMIT || record[1] == COMPACTION_COMMIT_INTO_L0);
  }

  /** Decodes a write-log record; malformed bytes are a {@code FormatException}. */
  public static LogCommand decodeCommand(String source, byte[] bytes) {
    ByteReader r = ByteReader.of(source, bytes);
    int version = Fields.readVersion(r, source, 1, WRITE_LOG_VERSION);
    int type = r.readByte();
    LogCommand command =
        switch (type) {
          case CLIENT_BATCH -> {
            String replyTo = Fields.readString(r, "reply-to");
            long correlationId = r.readVarint();
            long deadline = version >= 2 ? r.readVarint() : LogCommand.NO_DEADLINE;
            String requestId = null;
            if (r.readByte() == 1) {
              byte[] id = r.readLengthPrefixed(Limits.MAX_REQUEST_ID_BYTES, "request id");
              requestId = new String(id, StandardCharsets.UTF_8);
            }
            int n = r.readLength(Limits.MAX_BATCH_OPS, "op count");
            List<Op> ops = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
              ops.add(Fields.readOp(r));
            }
            yield new LogCommand.ClientBatch(
                replyTo, correlationId, deadline, new WriteBatch(ops, requestId));
          }
          case COMPACTION_COMMIT, COMPACTION_COMMIT_INTO_L0 ->
              new LogCommand.CompactionCommit(
                  Fields.readString(r, "compaction id"),
                  version >= 2 ? Fields.readOptionalVersion(r) : -1,
                  Fields.readStrings(r, "L0 input"),
                  Fields.readStrings(r, "L1 input"),
                  Fields.readSstInfos(r, "output"),
                  type == COMPACTION_COMMIT ? ManifestEdit.Level.L1 : ManifestEdit.Level.L0);
          case COMPACTION_START -> {
            if (version < 2) {
              throw r.corrupt("compaction start in a version-1 record");
            }
            yield new LogCommand.CompactionStart(Fields.readString(r, "compaction id"));
          }
          default -> throw r.corrupt("unknown write-log record type " + type);
        };
    r.expectEnd("write-log record");
    return command;
  }
}
