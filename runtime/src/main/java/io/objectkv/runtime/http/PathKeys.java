package io.objectkv.runtime.http;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Keys in URL paths are percent-encoded bytes: any byte sequence can be sent. We decode the raw
 * request URI ourselves, since a servlet container decodes to a String and loses bytes that are not
 * UTF-8.
 */
public final class PathKeys {
  private PathKeys() {}

  /**
   * The request's path as the client sent it, still percent-encoded: keys are decoded from it, and
   * the gateway forwards it to readers as it is.
   */
  public static String rawPath(io.javalin.http.Context ctx) {
    String raw = ctx.header(NulPathConnectionFactory.RAW_TARGET);
    if (raw == null) {
      return ctx.req().getRequestURI();
    }
    int query = raw.indexOf('?');
    return query < 0 ? raw : raw.substring(0, query);
  }

  /** Decodes {@code %XX} escapes to bytes; other characters stand for their UTF-8 bytes. */
  public static byte[] decode(String raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          throw ApiException.badRequest("bad percent-encoding in key: '" + raw + "'");
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          throw ApiException.badRequest("bad percent-encoding in key: '" + raw + "'");
        }
        out.write(hi << 4 | lo);
        i += 2;
      } else if (c < 0x80) {
        out.write(c);
      } else {
        int cp = raw.codePointAt(i);
        byte[] utf8 = Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
        i += Character.charCount(cp) - 1;
      }
    }
    return out.toByteArray();
  }

  /**
   * 400 unless every {@code %} in {@code raw} starts an escape of two hex digits: a malformed
   * escape (like {@code %zz} or {@code %u0041}) is the client's error, whatever later decodes it.
   */
  public static void checkEscapes(String raw, String where) {
    if (raw == null) {
      return;
    }
    for (int i = raw.indexOf('%'); i >= 0; i = raw.indexOf('%', i + 1)) {
      if (i + 2 >= raw.length()
          || Character.digit(raw.charAt(i + 1), 16) < 0
          || Character.digit(raw.charAt(i + 2), 16) < 0) {
        throw ApiException.badRequest(
            "bad percent-encoding in "
                + where
                + " at character "
                + i
                + ": % must be followed by two hex digits");
      }
    }
  }

  /** Raw query parameters decoded to exact bytes (prefix/start/end may be any bytes). */
  public static Map<String, byte[]> rawQuery(String query) {
    Map<String, byte[]> params = new HashMap<>();
    if (query == null) {
      return params;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      params.put(name, decode(eq < 0 ? "" : pair.substring(eq + 1)));
    }
    return params;
  }
}
