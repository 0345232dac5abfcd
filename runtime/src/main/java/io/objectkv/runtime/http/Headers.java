package io.objectkv.runtime.http;

/** The names of ObjectKV's own HTTP headers, shared by readers and the gateway that relays them. */
public final class Headers {
  private Headers() {}

  /** The version a read was answered at. */
  public static final String APPLIED_VERSION = "X-ObjectKV-Applied-Version";

  /** When the value read expires (RFC 3339). */
  public static final String EXPIRES_AT = "ObjectKV-Expires-At";
}
