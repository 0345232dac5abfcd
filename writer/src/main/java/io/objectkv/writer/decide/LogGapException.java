package io.objectkv.writer.decide;

/**
 * Records the writer must decide are gone from the write log (deleted by retention, or the topic
 * was recreated): deciding what follows would skip acknowledged writes, so the writer refuses.
 */
public final class LogGapException extends IllegalStateException {
  public LogGapException(String message) {
    super(message);
  }
}
