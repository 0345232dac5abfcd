package io.objectkv.format;

/** Bytes that this code cannot turn into an SST: corrupt, or of a version it does not read. */
public abstract sealed class FormatException extends RuntimeException
    permits CorruptionException, UnsupportedFormatVersionException {
  FormatException(String message) {
    super(message);
  }

  FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
