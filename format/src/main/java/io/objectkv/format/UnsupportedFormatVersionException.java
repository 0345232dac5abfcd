package io.objectkv.format;

/** Bytes written in a format version this code does not read. */
public final class UnsupportedFormatVersionException extends FormatException {
  private final int version;

  public UnsupportedFormatVersionException(String source, int version, int supported) {
    this(source, version, supported, supported);
  }

  /** For records this build reads in versions {@code oldest..newest}. */
  public UnsupportedFormatVersionException(String source, int version, int oldest, int newest) {
    super(
        "unsupported format version "
            + Integer.toUnsignedString(version)
            + " of "
            + source
            + "; this build reads version "
            + (oldest == newest ? Integer.toString(newest) : oldest + " to " + newest)
            + " (a newer ObjectKV wrote it, or the bytes are damaged)");
    this.version = version;
  }

  public int version() {
    return version;
  }
}
