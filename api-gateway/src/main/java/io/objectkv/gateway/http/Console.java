package io.objectkv.gateway.http;

import io.javalin.config.JavalinConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /console}: the operator's page, one self-contained HTML file that reads {@code
 * /v1/status} and the key API with the visitor's token. Its content security policy lets it talk to
 * this gateway only, and it writes keys and values as text, never as markup.
 */
public final class Console {
  private Console() {}

  private static final byte[] PAGE = load("console.html");

  private static final String POLICY =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src"
          + " 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  public static void register(JavalinConfig config) {
    config.routes.get(
        "/console",
        ctx ->
            ctx.contentType("text/html; charset=utf-8")
                .header("Content-Security-Policy", POLICY)
                .header("Cache-Control", "no-cache")
                .result(PAGE));
  }

  private static byte[] load(String name) {
    try (InputStream in = Console.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
