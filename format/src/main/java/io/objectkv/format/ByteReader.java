package io.objectkv.format;

import java.util.Arrays;

/**
 * A bounds-checked cursor over stored bytes. Every failure is a {@link CorruptionException} naming
 * the object and the absolute offset, never an index error.
 */
final class ByteReader {
  private final String source;
  private final long baseOffset;
  private final byte[] buf;
  private final int end;
  private int pos;

  ByteReader(String source, long baseOffset, byte[] buf, int from, int to) {
    this.source = source;
    this.baseOffset = baseOffset;
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  int position() {
    return pos;
  }

  void position(int p) {
    if (p < 0 || p > end) {
      throw corrupt("position " + p + " out of bounds");
    }
    pos = p;
  }

  int remaining() {
    return end - pos;
  }

  CorruptionException corrupt(String what) {
    return new CorruptionException(source, baseOffset + pos, what);
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw corrupt("truncated: need " + n + " bytes, have " + (end - pos));
    }
  }

  int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  int readInt() {
    need(4);
    int v =
        ((buf[pos] & 0xFF) << 24)
            | ((buf[pos + 1] & 0xFF) << 16)
            | ((buf[pos + 2] & 0xFF) << 8)
            | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  long readLong() {
    return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
  }

  long readVarint() {
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
  int readLength(int max, String what) {
    long v = readVarint();
    if (v < 0 || v > max) {
      throw corrupt(what + " " + v + " out of range [0, " + max + "]");
    }
    return (int) v;
  }

  byte[] readBytes(int n) {
    need(n);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  void skip(int n) {
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
