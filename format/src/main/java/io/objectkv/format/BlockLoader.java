package io.objectkv.format;

/** Supplies the decoded data blocks of one SST; caching and I/O live behind it. */
@FunctionalInterface
public interface BlockLoader {
  DataBlock load(int block, BlockHandle handle);

  /**
   * Loads {@code block} for a scan that goes on to the blocks after it ({@code reverse}: before
   * it). A loader that fetches from a remote store may fetch those in the same request.
   */
  default DataBlock loadForScan(int block, BlockHandle handle, boolean reverse) {
    return load(block, handle);
  }
}
