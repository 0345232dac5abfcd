package io.objectkv.reader.query;

import java.util.Base64;

/**
 * The opaque continuation of a scan: the last key returned. A client sends it back with the same
 * query to get the next page. Layout: base64url of {@code version u8 (=1) | last key}.
 */
public final class Cursor {
  private Cursor() {}

  public static String encode(byte[] lastKey) {
    byte[] b = new byte[lastKey.length + 1];
    b[0] = 1;
    System.arraycopy(lastKey, 0, b, 1, lastKey.length);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The last key, or null if the cursor is not one of ours. */
  public static byte[] decode(String cursor) {
    try {
      byte[] b = Base64.getUrlDecoder().decode(cursor);
      if (b.length < 2 || b[0] != 1) {
        return null;
      }
      return java.util.Arrays.copyOfRange(b, 1, b.length);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
