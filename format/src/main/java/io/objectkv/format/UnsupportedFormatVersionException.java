package io.objectkv.format;

/** An SST written in a format version this code does not read. */
public final class UnsupportedFormatVersionException extends FormatException {
  private final int version;

  public UnsupportedFormatVersionException(String source, int version) {
    super(
        "unsupported SST format version "
            + Integer.toUnsignedString(version)
            + " in object="
            + source
            + "; this build reads version "
            + SstLayout.FORMAT_VERSION
            + " (a newer ObjectKV wrote it, or the footer is damaged)");
    this.version = version;
  }

  public int version() {
    return version;
  }
}
