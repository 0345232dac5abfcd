package io.objectkv.runtime.http;

/** The names of ObjectKV's own HTTP headers, shared by readers and the gateway that relays them. */
public final class Headers {
  private Headers() {}

  /** The version a read was answered at. */
  public static final String APPLIED_VERSION = "X-ObjectKV-Applied-Version";

  /**
   * The manifest-log position of the state a replica answered a point read from: it had applied
   * every record below it.
   */
  public static final String LOG_POSITION = "X-ObjectKV-Log-Position";

  /**
   * Sent by a gateway with a strong point read whose barrier it looks up itself, while the replica
   * reads: the replica waits only until its position reaches this value, answers with {@link
   * #LOG_POSITION}, and the gateway checks that against its barrier (reading again if it falls
   * short).
   */
  public static final String MIN_LOG_POSITION = "X-ObjectKV-Min-Log-Position";

  /** When the value read expires (RFC 3339). */
  public static final String EXPIRES_AT = "ObjectKV-Expires-At";
}
