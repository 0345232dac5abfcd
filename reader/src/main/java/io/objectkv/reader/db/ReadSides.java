package io.objectkv.reader.db;

import io.javalin.http.Context;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases a reader serves: the default one, open from the start, and others opened on their
 * first request and closed again when idle or when more than {@code maxOpen} are open (the least
 * recently used first), so a reader's memory does not grow with the number of databases.
 */
public final class ReadSides implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReadSides.class);

  private static final class Open {
    final Database database;
    final ReadSide side;
    volatile long usedAt = System.nanoTime();

    Open(Database database, ReadSide side) {
      this.database = database;
      this.side = side;
    }
  }

  private final ReadSide defaultSide;
  private final Optional<Catalog> catalog;
  private final Function<Database, ReadSide> opener;
  private final int maxOpen;
  private final Duration idle;
  private final Map<String, Open> open = new ConcurrentHashMap<>();
  private final Thread sweeper;
  private volatile boolean running = true;

  /**
   * @param catalog where other databases are found; empty: the reader serves only the default one
   * @param opener opens another database (blocks until its manifest is loaded)
   */
  public ReadSides(
      ReadSide defaultSide,
      Optional<Catalog> catalog,
      Function<Database, ReadSide> opener,
      int maxOpen,
      Duration idle) {
    this.defaultSide = defaultSide;
    this.catalog = catalog;
    this.opener = opener;
    this.maxOpen = maxOpen;
    this.idle = idle;
    this.sweeper = Thread.ofPlatform().name("read-sides").daemon().start(this::sweep);
  }

  public ReadSide defaultSide() {
    return defaultSide;
  }

  /** Databases open besides the default one. */
  public int openCount() {
    return open.size();
  }

  /** The database a request addresses, opened if need be; 404 if there is no such database. */
  public ReadSide of(Context ctx) {
    String name = DatabasePaths.database(ctx);
    if (name.equals(DatabasePaths.DEFAULT)) {
      return defaultSide;
    }
    Optional<Database> found =
        Database.isValidName(name) && catalog.isPresent()
            ? liveOrSync(catalog.get(), name)
            : Optional.empty();
    Database db = found.orElseThrow(() -> noSuchDatabase(name));
    Open o = open.get(db.key());
    if (o == null) {
      o = open.computeIfAbsent(db.key(), k -> opened(db));
      evictBeyondBound();
    }
    o.usedAt = System.nanoTime();
    return o.side;
  }

  private static Optional<Database> liveOrSync(Catalog c, String name) {
    try {
      return c.liveOrSync(name);
    } catch (Catalog.CatalogUnavailableException e) {
      throw ApiException.unavailable(e.getMessage());
    }
  }

  public static ApiException noSuchDatabase(String name) {
    return new ApiException(404, "no_such_database", "there is no database '" + name + "'");
  }

  private Open opened(Database db) {
    long start = System.nanoTime();
    try {
      Open o = new Open(db, opener.apply(db));
      log.info("opened database {} in {} ms", db.key(), (System.nanoTime() - start) / 1_000_000);
      return o;
    } catch (RuntimeException e) {
      throw ApiException.unavailable("cannot open database " + db.name() + ": " + e.getMessage());
    }
  }

  private void evictBeyondBound() {
    while (open.size() > maxOpen) {
      open.values().stream()
          .min(Comparator.comparingLong(o -> o.usedAt))
          .ifPresent(o -> close(o, "more than " + maxOpen + " databases are open"));
    }
  }

  private void close(Open o, String why) {
    if (open.remove(o.database.key(), o)) {
      log.info("closing database {}: {}", o.database.key(), why);
      o.side.close();
    }
  }

  private void sweep() {
    while (running) {
      try {
        Thread.sleep(Math.max(100, Math.min(10_000, idle.toMillis() / 4)));
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (Open o : open.values()) {
        boolean gone =
            catalog
                .map(c -> c.live(o.database.name()).filter(o.database::equals).isEmpty())
                .orElse(true);
        if (gone) {
          close(o, "it was dropped");
        } else if (now - o.usedAt > idle.toNanos()) {
          close(o, "idle for " + idle.toSeconds() + " s");
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
    open.values().forEach(o -> close(o, "the reader stops"));
    defaultSide.close();
  }
}
