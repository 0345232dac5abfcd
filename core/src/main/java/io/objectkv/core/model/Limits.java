package io.objectkv.core.model;

/** The limits of the public contract (API.md); requests beyond them are refused whole. */
public final class Limits {
  private Limits() {}

  public static final int MAX_KEY_BYTES = 4096;

  /**
   * A key bound may be one byte longer than any key: the exclusive end of a range that reaches the
   * end of the keyspace ({@code Op.DeleteRange.END_OF_KEYS}), and so an object's max key.
   */
  public static final int MAX_BOUND_BYTES = MAX_KEY_BYTES + 1;

  public static final int MAX_VALUE_BYTES = 1 << 20;
  public static final int MAX_BATCH_OPS = 1000;
  public static final int MAX_BATCH_BYTES = 4 << 20;
  public static final int MAX_REQUEST_ID_BYTES = 256;

  /**
   * The longest time to live of a value: 100 years (commit time plus it stays far from overflow).
   */
  public static final long MAX_TTL_MILLIS = 100L * 365 * 24 * 3600 * 1000;
}
