package io.objectkv.runtime.http;

import io.javalin.http.Context;
import java.util.List;

/**
 * Every endpoint of a database exists twice: at its v1 path, which addresses the default database,
 * and under {@code /v1/db/{db}} (API.md v1.1 "Databases").
 */
public final class DatabasePaths {
  private DatabasePaths() {}

  /** The name the v1 paths address. */
  public static final String DEFAULT = "default";

  private static final String DB_PREFIX = "/v1/db/";

  /** {@code /v1/kv/<key>} and {@code /v1/db/{db}/kv/<key>}. */
  public static List<String> both(String v1Path) {
    if (!v1Path.startsWith("/v1/")) {
      throw new IllegalArgumentException("not a v1 path: " + v1Path);
    }
    return List.of(v1Path, DB_PREFIX + "{db}/" + v1Path.substring(4));
  }

  /** The database a request addresses. */
  public static String database(Context ctx) {
    return database(ctx.path());
  }

  /** The database a path addresses: its {@code /v1/db/{db}} segment, or the default one. */
  public static String database(String path) {
    if (!path.startsWith(DB_PREFIX)) {
      return DEFAULT;
    }
    int end = path.indexOf('/', DB_PREFIX.length());
    return path.substring(DB_PREFIX.length(), end < 0 ? path.length() : end);
  }

  /** Whether the path is one of a database's endpoints (not {@code /v1/db} or {@code /v1/db/x}). */
  public static boolean isDatabaseEndpoint(String path) {
    if (path.equals("/v1/db")) {
      return false;
    }
    return !path.startsWith(DB_PREFIX) || path.indexOf('/', DB_PREFIX.length()) >= 0;
  }

  /** The path as its v1 form: {@code /v1/db/x/kv/a} becomes {@code /v1/kv/a}. */
  public static String v1Path(String path) {
    if (!path.startsWith(DB_PREFIX)) {
      return path;
    }
    int end = path.indexOf('/', DB_PREFIX.length());
    return end < 0 ? "/v1" : "/v1" + path.substring(end);
  }

  /** The path of the same endpoint in database {@code db}. */
  public static String in(String db, String v1Path) {
    return db.equals(DEFAULT) ? v1Path : DB_PREFIX + db + v1Path.substring(3);
  }
}
