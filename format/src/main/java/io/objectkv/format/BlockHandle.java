package io.objectkv.format;

/** Where a stored block lives in its object: {@code length} includes the block trailer. */
public record BlockHandle(long offset, int length) {
  public BlockHandle {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("negative block handle " + offset + "+" + length);
    }
  }

  public long end() {
    return offset + length;
  }
}
