package io.objectkv.format;

/** Bytes written in a format version this code does not read. */
public final class UnsupportedFormatVersionException extends FormatException {
  private final int version;

  public UnsupportedFormatVersionException(String source, int version, int supported) {
    super(
        "unsupported format version "
            + Integer.toUnsignedString(version)
            + " of "
            + source
            + "; this build reads version "
            + supported
            + " (a newer ObjectKV wrote it, or the bytes are damaged)");
    this.version = version;
  }

  public int version() {
    return version;
  }
}
