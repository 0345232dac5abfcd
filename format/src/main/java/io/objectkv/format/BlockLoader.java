package io.objectkv.format;

/** Supplies the decoded data blocks of one SST; caching and I/O live behind it. */
@FunctionalInterface
public interface BlockLoader {
  DataBlock load(int block, BlockHandle handle);
}
