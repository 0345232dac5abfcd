package io.objectkv.core.codec;

import io.objectkv.core.manifest.Manifest;
import io.objectkv.core.manifest.ManifestDelta;
import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.manifest.ManifestSnapshot;
import io.objectkv.core.manifest.RequestRecord;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;
import io.objectkv.format.CorruptionException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Manifest deltas (records of the manifest log) and snapshots (objects in the store). Both start
 * with a version byte; a snapshot ends with a CRC32C of everything before it, since object storage,
 * unlike Kafka, does not checksum what it returns.
 */
public final class ManifestCodec {
  private ManifestCodec() {}

  public static final int VERSION = 1;
  private static final int ADD_L0 = 1;
  private static final int COMPACTION = 2;

  public static byte[] encode(ManifestDelta d) {
    ByteWriter w = new ByteWriter(256);
    w.writeByte(VERSION);
    w.writeVarint(d.id());
    w.writeVarint(d.writerEpoch());
    Fields.writeOptionalVersion(w, d.appliedVersion());
    w.writeVarint(d.edits().size());
    for (ManifestEdit e : d.edits()) {
      switch (e) {
        case ManifestEdit.AddL0 add -> {
          w.writeByte(ADD_L0);
          Fields.writeSstInfo(w, add.sst());
        }
        case ManifestEdit.Compaction c -> {
          w.writeByte(COMPACTION);
          Fields.writeStrings(w, c.removedL0());
          Fields.writeStrings(w, c.removedL1());
          Fields.writeSstInfos(w, c.addedL1());
        }
      }
    }
    writeLedger(w, d.requests());
    return w.toByteArray();
  }

  public static ManifestDelta decodeDelta(String source, byte[] bytes) {
    ByteReader r = ByteReader.of(source, bytes);
    Fields.readVersion(r, source, VERSION);
    long id = r.readVarint();
    long epoch = r.readVarint();
    long applied = Fields.readOptionalVersion(r);
    int n = Fields.readCount(r, "edit");
    List<ManifestEdit> edits = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      int tag = r.readByte();
      edits.add(
          switch (tag) {
            case ADD_L0 -> new ManifestEdit.AddL0(Fields.readSstInfo(r));
            case COMPACTION ->
                new ManifestEdit.Compaction(
                    Fields.readStrings(r, "removed L0"),
                    Fields.readStrings(r, "removed L1"),
                    Fields.readSstInfos(r, "added L1"));
            default -> throw r.corrupt("unknown manifest edit tag " + tag);
          });
    }
    List<RequestRecord> requests = readLedger(r);
    r.expectEnd("manifest delta");
    return new ManifestDelta(id, epoch, applied, edits, requests);
  }

  private static void writeLedger(ByteWriter w, List<RequestRecord> ledger) {
    w.writeVarint(ledger.size());
    for (RequestRecord rr : ledger) {
      Fields.writeString(w, rr.requestId());
      Fields.writeOutcome(w, rr.outcome());
    }
  }

  private static List<RequestRecord> readLedger(ByteReader r) {
    int n = Fields.readCount(r, "request");
    List<RequestRecord> out = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      out.add(new RequestRecord(Fields.readString(r, "request id"), Fields.readOutcome(r)));
    }
    return out;
  }

  public static byte[] encode(ManifestSnapshot s) {
    ByteWriter w = new ByteWriter(1024);
    Manifest m = s.manifest();
    w.writeByte(VERSION);
    w.writeVarint(m.id());
    w.writeVarint(m.writerEpoch());
    Fields.writeOptionalVersion(w, m.appliedVersion());
    Fields.writeOptionalVersion(w, s.logOffset());
    Fields.writeSstInfos(w, m.l0());
    Fields.writeSstInfos(w, m.l1());
    writeLedger(w, s.ledger());
    CRC32C crc = new CRC32C();
    byte[] body = w.toByteArray();
    crc.update(body);
    w.writeInt((int) crc.getValue());
    return w.toByteArray();
  }

  public static ManifestSnapshot decodeSnapshot(String source, byte[] bytes) {
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
    Fields.readVersion(r, source, VERSION);
    long id = r.readVarint();
    long epoch = r.readVarint();
    long applied = Fields.readOptionalVersion(r);
    long logOffset = Fields.readOptionalVersion(r);
    Manifest m =
        new Manifest(
            id, epoch, applied, Fields.readSstInfos(r, "L0"), Fields.readSstInfos(r, "L1"));
    List<RequestRecord> ledger = readLedger(r);
    r.expectEnd("manifest snapshot");
    return new ManifestSnapshot(m, logOffset, ledger);
  }
}
