package io.objectkv.client;

/**
 * Keys in URL paths and query strings: every byte outside RFC 3986's unreserved set is
 * percent-encoded, so any byte sequence (NUL and non-UTF-8 bytes too) can be sent.
 */
public final class KeyPaths {
  private KeyPaths() {}

  /** {@code key} percent-encoded, for a path segment or a query value. */
  public static String encode(byte[] key) {
    StringBuilder sb = new StringBuilder(key.length * 2);
    for (byte b : key) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }
}
