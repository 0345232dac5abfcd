package io.objectkv.runtime.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker per database of the catalog besides the default one (which the process runs
 * itself): makes a worker when a database becomes this process's, closes it when the database is
 * dropped or moves away. A worker runs on its own thread while it is due; one whose run returns has
 * parked, and runs again on a new thread once it is due again (so a quiet database has no thread).
 */
public final class HostedDatabases<T extends Runnable & AutoCloseable> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostedDatabases.class);

  /** How often the catalog is compared with what runs. */
  static final Duration EVERY = Duration.ofSeconds(1);

  /** A worker and its thread (null while it never ran). */
  public record Hosted<T>(Database database, T worker, Thread thread) {
    boolean parked() {
      return thread == null || !thread.isAlive();
    }
  }

  private final Catalog catalog;
  private final Predicate<Database> mine;
  private final String role;
  private final Function<Database, T> factory;
  private final BiPredicate<Database, T> due;
  private final Map<String, Hosted<T>> hosted = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param mine which of the catalog's databases this process runs (see {@link GroupShare})
   * @param due whether a worker that is not running (new, or parked) should run now
   */
  public HostedDatabases(
      Catalog catalog,
      Predicate<Database> mine,
      String role,
      Function<Database, T> factory,
      BiPredicate<Database, T> due) {
    this.catalog = catalog;
    this.mine = mine;
    this.role = role;
    this.factory = factory;
    this.due = due;
    this.thread = Thread.ofPlatform().name(role + "-databases").daemon().start(this::run);
  }

  public Collection<Hosted<T>> hosted() {
    return hosted.values();
  }

  /** The worker of the live database of that name, if one runs here. */
  public Optional<T> worker(String name) {
    return hosted.values().stream()
        .filter(h -> h.database().name().equals(name))
        .map(Hosted::worker)
        .findFirst();
  }

  private void run() {
    while (running) {
      try {
        reconcile();
        Thread.sleep(EVERY);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("cannot follow the databases of the catalog; retrying: {}", e.toString());
      }
    }
  }

  private void reconcile() {
    Map<String, Database> live = new java.util.HashMap<>();
    for (Database d : catalog.live()) {
      if (!d.isDefault() && mine.test(d)) {
        live.put(d.key(), d);
      }
    }
    for (Hosted<T> h : hosted.values()) {
      if (!live.containsKey(h.database().key())) {
        stop(h, "it was dropped or moved to another process");
      }
    }
    for (Database d : live.values()) {
      if (running && !hosted.containsKey(d.key())) {
        hosted.put(d.key(), new Hosted<>(d, factory.apply(d), null));
        log.info("{} of database {} made", role, d.key());
      }
    }
    for (Hosted<T> h : hosted.values()) {
      if (running && h.parked() && due.test(h.database(), h.worker())) {
        Thread t = Thread.ofPlatform().name(role + "-" + h.database().name()).start(h.worker());
        hosted.replace(h.database().key(), h, new Hosted<>(h.database(), h.worker(), t));
      }
    }
  }

  /** How many workers run now (the others are parked). */
  public long running() {
    return hosted.values().stream().filter(h -> !h.parked()).count();
  }

  private void stop(Hosted<T> h, String why) {
    if (hosted.remove(h.database().key(), h)) {
      log.info("stopping the {} of database {}: {}", role, h.database().key(), why);
      try {
        h.worker().close();
        if (h.thread() != null) {
          h.thread().join(30_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("closing the {} of database {}: {}", role, h.database().key(), e.toString());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hosted.values().forEach(h -> stop(h, "the process stops"));
  }
}
