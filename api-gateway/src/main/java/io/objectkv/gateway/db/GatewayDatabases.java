package io.objectkv.gateway.db;

import io.javalin.http.Context;
import io.objectkv.gateway.write.WriteClient;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The databases as a gateway sees them: which one a request addresses (404 if none), and the write
 * client of each, opened on its first write and closed when idle or dropped.
 */
public final class GatewayDatabases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayDatabases.class);

  private static final class Open {
    final Database database;
    final WriteClient writes;
    volatile long usedAt = System.nanoTime();

    Open(Database database, WriteClient writes) {
      this.database = database;
      this.writes = writes;
    }
  }

  private final Catalog catalog;
  private final WriteClient defaultWrites;
  private final Function<Database, WriteClient> opener;
  private final Duration idle;
  private final Map<String, Open> open = new ConcurrentHashMap<>();
  private final Thread sweeper;
  private volatile boolean running = true;

  public GatewayDatabases(
      Catalog catalog,
      WriteClient defaultWrites,
      Function<Database, WriteClient> opener,
      Duration idle) {
    this.catalog = catalog;
    this.defaultWrites = defaultWrites;
    this.opener = opener;
    this.idle = idle;
    this.sweeper = Thread.ofPlatform().name("gateway-databases").daemon().start(this::sweep);
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The name of the database a request addresses, which exists; 404 otherwise. */
  public String resolve(Context ctx) {
    String name = DatabasePaths.database(ctx);
    if (!name.equals(DatabasePaths.DEFAULT)) {
      database(name);
    }
    return name;
  }

  private Database database(String name) {
    Optional<Database> d;
    try {
      d = Database.isValidName(name) ? catalog.liveOrSync(name) : Optional.empty();
    } catch (Catalog.CatalogUnavailableException e) {
      throw ApiException.unavailable(e.getMessage());
    }
    return d.orElseThrow(() -> noSuchDatabase(name));
  }

  public static ApiException noSuchDatabase(String name) {
    return new ApiException(404, "no_such_database", "there is no database '" + name + "'");
  }

  /** The write client of the database a request addresses. */
  public WriteClient writes(Context ctx) {
    String name = DatabasePaths.database(ctx);
    if (name.equals(DatabasePaths.DEFAULT)) {
      return defaultWrites;
    }
    Database db = database(name);
    Open o = open.get(db.key());
    if (o == null) {
      o = open.computeIfAbsent(db.key(), k -> new Open(db, opener.apply(db)));
    }
    o.usedAt = System.nanoTime();
    return o.writes;
  }

  /** Writes in flight, over every database. */
  public int pendingCount() {
    return defaultWrites.pendingCount()
        + open.values().stream().mapToInt(o -> o.writes.pendingCount()).sum();
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
        boolean dropped = catalog.live(o.database.name()).filter(o.database::equals).isEmpty();
        boolean unused = now - o.usedAt > idle.toNanos() && o.writes.pendingCount() == 0;
        if ((dropped || unused) && open.remove(o.database.key(), o)) {
          log.info(
              "closing the write client of database {}: {}",
              o.database.key(),
              dropped ? "it was dropped" : "idle");
          o.writes.close();
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
    open.values().forEach(o -> o.writes.close());
    open.clear();
    defaultWrites.close();
  }
}
