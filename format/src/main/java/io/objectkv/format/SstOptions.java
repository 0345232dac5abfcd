package io.objectkv.format;

/**
 * How an SST is built.
 *
 * @param blockSize target bytes of a data block before compression (a block holds at least one
 *     entry, so a large value makes a large block)
 * @param bloomBitsPerKey bloom filter bits per key (10 gives about 1% false positives)
 * @param compress whether to try LZ4 on each block
 */
public record SstOptions(int blockSize, int bloomBitsPerKey, boolean compress) {
  public static final SstOptions DEFAULT = new SstOptions(16 * 1024, 10, true);

  public SstOptions {
    if (blockSize < 64 || blockSize > SstLayout.MAX_BLOCK_RAW_LENGTH / 2) {
      throw new IllegalArgumentException("blockSize " + blockSize + " outside [64, 64 MiB]");
    }
    if (bloomBitsPerKey < 1 || bloomBitsPerKey > 64) {
      throw new IllegalArgumentException("bloomBitsPerKey " + bloomBitsPerKey + " outside [1, 64]");
    }
  }
}
