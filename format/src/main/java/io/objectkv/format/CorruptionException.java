package io.objectkv.format;

/**
 * Stored bytes failed a check (checksum, magic, bounds). Never a wrong answer: callers report it
 * and fetch the bytes again from the source of truth.
 */
public final class CorruptionException extends FormatException {
  public CorruptionException(String source, long offset, String what) {
    super("corrupt data: source=" + source + " offset=" + offset + ": " + what);
  }

  public CorruptionException(String source, long offset, String what, Throwable cause) {
    super("corrupt data: source=" + source + " offset=" + offset + ": " + what, cause);
  }
}
