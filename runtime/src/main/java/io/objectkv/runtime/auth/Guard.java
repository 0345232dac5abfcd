package io.objectkv.runtime.auth;

import io.javalin.http.Context;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what, checked before every request but {@code GET /health} and the console's page: the
 * bearer token's grant must cover the request's role (reads, writes, administration) in this
 * process's database. With no tokens configured the process is open.
 */
public final class Guard {
  private final Optional<Tokens> tokens;
  private final String database;
  private final boolean metricsOpen;

  private Guard(Optional<Tokens> tokens, String database, boolean metricsOpen) {
    this.tokens = tokens;
    this.database = database;
    this.metricsOpen = metricsOpen;
  }

  public static Guard open() {
    return new Guard(Optional.empty(), "*", true);
  }

  public static Guard of(Tokens tokens, String database, boolean metricsOpen) {
    return new Guard(Optional.of(tokens), database, metricsOpen);
  }

  public boolean enabled() {
    return tokens.isPresent();
  }

  /**
   * The role a request needs: reads, writes, or administration (metrics, creating, listing and
   * dropping databases).
   */
  static Role needed(String method, String path) {
    if (path.equals("/metrics") || !DatabasePaths.isDatabaseEndpoint(path)) {
      return Role.ADMIN;
    }
    String v1 = DatabasePaths.v1Path(path);
    return switch (method) {
      case "GET", "HEAD", "OPTIONS" -> Role.READ;
      case "POST" -> v1.equals("/v1/get") ? Role.READ : Role.WRITE;
      default -> Role.WRITE;
    };
  }

  /**
   * Whether the grant covers the database the request addresses. The default database answers to
   * its API name and to the deployment's name (what grants named before there were databases); the
   * list of every database and the metrics need a grant on all ({@code *}).
   */
  boolean allows(Tokens.Grant grant, String path) {
    if (grant.database().equals("*")) {
      return true;
    }
    if (path.equals("/metrics") || path.equals("/v1/db") || path.equals("/v1/db/")) {
      return false;
    }
    String db = DatabasePaths.database(path);
    if (path.startsWith("/v1/db/") && !DatabasePaths.isDatabaseEndpoint(path)) {
      db = path.substring("/v1/db/".length());
    }
    return grant.allows(db) || (db.equals(DatabasePaths.DEFAULT) && grant.allows(database));
  }

  /** Throws 401 or 403 unless the request may proceed. */
  public void check(Context ctx) {
    if (tokens.isEmpty()) {
      return;
    }
    String path = ctx.path();
    // The console page holds no data: it asks for a token and sends it with its own requests.
    if (path.equals("/health")
        || path.equals("/console")
        || (metricsOpen && path.equals("/metrics"))) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw unauthorized("send Authorization: Bearer <token>");
    }
    Tokens.Grant grant =
        tokens
            .get()
            .find(header.substring(7).strip())
            .orElseThrow(() -> unauthorized("the token is not one this deployment accepts"));
    Role needed = needed(ctx.method().name(), path);
    if (!grant.role().covers(needed) || !allows(grant, path)) {
      throw new ApiException(
          403,
          "forbidden",
          "token '"
              + grant.name()
              + "' ("
              + grant.role()
              + " on "
              + grant.database()
              + ") may not "
              + needed
              + " database "
              + DatabasePaths.database(path));
    }
  }

  private static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message, Map.of())
        .withHeader("WWW-Authenticate", "Bearer");
  }
}
