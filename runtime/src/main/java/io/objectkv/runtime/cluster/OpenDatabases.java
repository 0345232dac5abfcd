package io.objectkv.runtime.cluster;

import io.objectkv.runtime.http.ApiException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a process keeps open per database for the requests it serves (a reader's followed manifest,
 * a gateway's write client): opened on the database's first request, closed when the database is
 * dropped, has been idle for {@code idle}, or is the least recently used of more than {@code
 * maxOpen}. So the memory of a process does not grow with the number of databases.
 */
public final class OpenDatabases<T extends AutoCloseable> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpenDatabases.class);

  private final class Open {
    final Database database;
    final T value;
    volatile long usedAt = System.nanoTime();

    Open(Database database, T value) {
      this.database = database;
      this.value = value;
    }
  }

  private final Catalog catalog;
  private final String what;
  private final Function<Database, T> opener;
  private final Predicate<T> busy;
  private final int maxOpen;
  private final Duration idle;
  private final Map<String, Open> open = new ConcurrentHashMap<>();
  private final Thread sweeper;
  private volatile boolean running = true;

  /**
   * @param what what is kept, for the log ("the write client")
   * @param opener opens a database's value (may block, e.g. until a manifest is loaded)
   * @param busy a value that must not be closed yet though idle (requests in flight)
   */
  public OpenDatabases(
      Catalog catalog,
      String what,
      Function<Database, T> opener,
      Predicate<T> busy,
      int maxOpen,
      Duration idle) {
    this.catalog = catalog;
    this.what = what;
    this.opener = opener;
    this.busy = busy;
    this.maxOpen = maxOpen;
    this.idle = idle;
    this.sweeper = Thread.ofPlatform().name("open-databases").daemon().start(this::sweep);
  }

  /**
   * The live database of that name, after reading the catalog to its end if it is not known yet
   * (another process may have just created it): 404 {@code no_such_database} if there is none, 503
   * if the catalog cannot be read.
   */
  public static Database require(Catalog catalog, String name) {
    Optional<Database> d;
    try {
      d = Database.isValidName(name) ? catalog.liveOrSync(name) : Optional.empty();
    } catch (Catalog.CatalogUnavailableException e) {
      throw ApiException.unavailable(e.getMessage());
    }
    return d.orElseThrow(() -> noSuchDatabase(name));
  }

  /** 404 {@code no_such_database}. */
  public static ApiException noSuchDatabase(String name) {
    return new ApiException(404, "no_such_database", "there is no database '" + name + "'");
  }

  /**
   * The value of the database of that name: {@code defaultValue} for the default database (which a
   * process keeps open from its start), else the live database's, opened if need be; 404 or 503 as
   * {@link #require} says.
   */
  public T get(String name, T defaultValue) {
    return name.equals(Database.DEFAULT) ? defaultValue : get(require(catalog, name));
  }

  /** The database's value, opened if need be. */
  public T get(Database db) {
    Open o = open.get(db.key());
    if (o == null) {
      o = open.computeIfAbsent(db.key(), k -> opened(db));
      evictBeyondBound();
    }
    o.usedAt = System.nanoTime();
    return o.value;
  }

  /** The value of the live database of that name if it is open now; nothing is opened. */
  public Optional<T> ifOpen(String name) {
    return catalog.live(name).map(db -> open.get(db.key())).map(o -> o.value);
  }

  /** Every value open now. */
  public Collection<T> values() {
    return open.values().stream().map(o -> o.value).toList();
  }

  private Open opened(Database db) {
    long start = System.nanoTime();
    try {
      Open o = new Open(db, opener.apply(db));
      log.info(
          "opened {} of database {} in {} ms",
          what,
          db.key(),
          (System.nanoTime() - start) / 1_000_000);
      return o;
    } catch (RuntimeException e) {
      throw ApiException.unavailable(
          "cannot open " + what + " of database " + db.name() + ": " + e.getMessage());
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
      log.info("closing {} of database {}: {}", what, o.database.key(), why);
      try {
        o.value.close();
      } catch (Exception e) {
        log.warn("closing {} of database {}: {}", what, o.database.key(), e.toString());
      }
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
      for (Open o : List.copyOf(open.values())) {
        if (catalog.live(o.database.name()).filter(o.database::equals).isEmpty()) {
          close(o, "it was dropped");
        } else if (now - o.usedAt > idle.toNanos() && !busy.test(o.value)) {
          close(o, "idle for " + idle.toSeconds() + " s");
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
    sweeper.interrupt();
    List.copyOf(open.values()).forEach(o -> close(o, "the process stops"));
  }
}
