package io.objectkv.format;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * A bloom filter over the keys of one SST. Payload: {@code hash_count u8 | bits}; bit {@code b} is
 * {@code bits[b / 8] >> (b % 8) & 1}. Probe {@code i} of a key sets bit {@code (h1 + i * h2) mod m}
 * where {@code h = XXH64(key, seed 0)}, {@code h1} its low and {@code h2} its high 32 bits taken
 * unsigned, and {@code m} the number of bits.
 */
public final class BloomFilter {
  private static final XXHash64 XXH64 = XXHashFactory.fastestJavaInstance().hash64();
  private static final int MIN_BITS = 64;

  private final int hashCount;
  private final byte[] bits;
  private final long bitCount;

  private BloomFilter(int hashCount, byte[] bits) {
    this.hashCount = hashCount;
    this.bits = bits;
    this.bitCount = 8L * bits.length;
  }

  public static long hash(byte[] key) {
    return XXH64.hash(key, 0, key.length, 0);
  }

  /** Builds a filter of {@code bitsPerKey} bits per key from the keys' {@link #hash}es. */
  static BloomFilter build(long[] hashes, int count, int bitsPerKey) {
    int hashCount = Math.max(1, Math.min(30, (int) Math.round(bitsPerKey * Math.log(2))));
    long wanted = Math.max(MIN_BITS, (long) count * bitsPerKey);
    int byteCount = (int) Math.min(Integer.MAX_VALUE - 16, (wanted + 7) / 8);
    BloomFilter filter = new BloomFilter(hashCount, new byte[byteCount]);
    for (int i = 0; i < count; i++) {
      filter.add(hashes[i]);
    }
    return filter;
  }

  private void add(long h) {
    long h1 = h & 0xFFFFFFFFL;
    long h2 = h >>> 32;
    for (int i = 0; i < hashCount; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bitCount);
      bits[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
    }
  }

  public boolean mightContain(byte[] key) {
    return mightContainHash(hash(key));
  }

  public boolean mightContainHash(long h) {
    long h1 = h & 0xFFFFFFFFL;
    long h2 = h >>> 32;
    for (int i = 0; i < hashCount; i++) {
      long bit = Long.remainderUnsigned(h1 + i * h2, bitCount);
      if ((bits[(int) (bit >>> 3)] & (1 << (bit & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  byte[] encode() {
    byte[] out = new byte[1 + bits.length];
    out[0] = (byte) hashCount;
    System.arraycopy(bits, 0, out, 1, bits.length);
    return out;
  }

  static BloomFilter decode(String source, long objectOffset, byte[] raw) {
    if (raw.length < 2) {
      throw new CorruptionException(
          source, objectOffset, "filter payload of " + raw.length + " bytes");
    }
    int hashCount = raw[0] & 0xFF;
    if (hashCount < 1 || hashCount > 30) {
      throw new CorruptionException(source, objectOffset, "filter hash count " + hashCount);
    }
    byte[] bits = new byte[raw.length - 1];
    System.arraycopy(raw, 1, bits, 0, bits.length);
    return new BloomFilter(hashCount, bits);
  }

  long memoryBytes() {
    return 32L + bits.length;
  }
}
