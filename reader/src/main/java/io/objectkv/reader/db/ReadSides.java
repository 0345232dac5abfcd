package io.objectkv.reader.db;

import io.javalin.http.Context;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.cluster.OpenDatabases;
import io.objectkv.runtime.http.DatabasePaths;
import java.time.Duration;
import java.util.function.Function;

/**
 * The databases a reader serves: the default one, open from the start, and the others opened on
 * their first request and closed again when idle, dropped or least recently used ({@link
 * OpenDatabases}).
 */
public final class ReadSides implements AutoCloseable {
  private final ReadSide defaultSide;
  private final OpenDatabases<ReadSide> others;

  /**
   * @param opener opens another database (blocks until its manifest is loaded)
   */
  public ReadSides(
      ReadSide defaultSide,
      Catalog catalog,
      Function<Database, ReadSide> opener,
      int maxOpen,
      Duration idle) {
    this.defaultSide = defaultSide;
    this.others =
        new OpenDatabases<>(catalog, "the read side", opener, side -> false, maxOpen, idle);
  }

  public ReadSide defaultSide() {
    return defaultSide;
  }

  /** The database a request addresses, opened if need be; 404 if there is no such database. */
  public ReadSide of(Context ctx) {
    return others.get(DatabasePaths.database(ctx), defaultSide);
  }

  @Override
  public void close() {
    others.close();
    defaultSide.close();
  }
}
