package io.objectkv.core.codec;

import io.objectkv.core.model.Outcome;
import io.objectkv.format.ByteReader;
import io.objectkv.format.ByteWriter;

/** Outcomes as stored in the WAL section of L0 objects. */
public final class OutcomeCodec {
  private OutcomeCodec() {}

  public static byte[] encode(Outcome outcome) {
    ByteWriter w = new ByteWriter(32);
    Fields.writeOutcome(w, outcome);
    return w.toByteArray();
  }

  public static Outcome decode(String source, byte[] bytes) {
    ByteReader r = ByteReader.of(source, bytes);
    Outcome o = Fields.readOutcome(r);
    r.expectEnd("outcome");
    return o;
  }
}
