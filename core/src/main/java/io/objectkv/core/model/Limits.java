package io.objectkv.core.model;

/** The limits of the public contract (API.md); requests beyond them are refused whole. */
public final class Limits {
  private Limits() {}

  public static final int MAX_KEY_BYTES = 4096;
  public static final int MAX_VALUE_BYTES = 1 << 20;
  public static final int MAX_BATCH_OPS = 1000;
  public static final int MAX_BATCH_BYTES = 4 << 20;
  public static final int MAX_REQUEST_ID_BYTES = 256;

  /**
   * The longest time to live of a value: 100 years (commit time plus it stays far from overflow).
   */
  public static final long MAX_TTL_MILLIS = 100L * 365 * 24 * 3600 * 1000;
}
