package io.objectkv.runtime.auth;

import java.util.Locale;

/** What a token may do: read; write (and read); admin (everything). */
public enum Role {
  READ,
  WRITE,
  ADMIN;

  /** Whether a token of this role may do what {@code needed} allows. */
  public boolean covers(Role needed) {
    return compareTo(needed) >= 0;
  }

  public static Role parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("role must be read, write or admin, not '" + s + "'");
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
