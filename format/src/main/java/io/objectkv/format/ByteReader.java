package io.objectkv.format;

import java.util.Arrays;

/**
 * A bounds-checked cursor over stored bytes. Every failure is a {@link CorruptionException} naming
 * the object and the absolute offset, never an index error.
 */
public final class ByteReader {
  private final String source;
  private final long baseOffset;
  private final byte[] buf;
  private final int end;
  private int pos;

  public ByteReader(String source, long baseOffset, byte[] buf, int from, int to) {
    this.source = source;
    this.baseOffset = baseOffset;
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  /** A reader over all of {@code buf}, for a record that is its own source. */
  public static ByteReader of(String source, byte[] buf) {
    return new ByteReader(source, 0, buf, 0, buf.length);
  }

  public int position() {
    return pos;
  }

  void position(int p) {
    if (p < 0 || p > end) {
      throw corrupt("position " + p + " out of bounds");
    }
    pos = p;
  }

  public int remaining() {
    return end - pos;
  }

  public CorruptionException corrupt(String what) {
    return new CorruptionException(source, baseOffset + pos, what);
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw corrupt("truncated: need " + n + " bytes, have " + (end - pos));
    }
  }

  public int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  public int readInt() {
    need(4);
    int v =
        ((buf[pos] & 0xFF) << 24)
            | ((buf[pos + 1] & 0xFF) << 16)
            | ((buf[pos + 2] & 0xFF) << 8)
            | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  public long readLong() {
    return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
  }

  public long readVarint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw corrupt("varint longer than 10 bytes");
  }

  /** A varint that must fit in [0, max]. */
  public int readLength(int max, String what) {
    long v = readVarint();
    if (v < 0 || v > max) {
      throw corrupt(what + " " + v + " out of range [0, " + max + "]");
    }
    return (int) v;
  }

  public byte[] readBytes(int n) {
    need(n);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  /** A varint length (at most {@code max}) followed by that many bytes. */
  public byte[] readLengthPrefixed(int max, String what) {
    return readBytes(readLength(max, what + " length"));
  }

  /** Fails unless every byte was consumed: trailing bytes mean a misread or a newer writer. */
  public void expectEnd(String what) {
    if (pos != end) {
      throw corrupt(what + " has " + (end - pos) + " trailing bytes");
    }
  }

  public void skip(int n) {
    need(n);
    pos += n;
  }

  static int getInt(byte[] b, int at) {
    return ((b[at] & 0xFF) << 24)
        | ((b[at + 1] & 0xFF) << 16)
        | ((b[at + 2] & 0xFF) << 8)
        | (b[at + 3] & 0xFF);
  }

  static long getLong(byte[] b, int at) {
    return ((long) getInt(b, at) << 32) | (getInt(b, at + 4) & 0xFFFFFFFFL);
  }
}
