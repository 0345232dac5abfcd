package io.objectkv.runtime.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker per database of the catalog besides the default one (which the process runs
 * itself): starts a worker when a database appears, closes it when the database is dropped. For the
 * processes that serve every database all the time: writers and compactors.
 */
public final class HostedDatabases<T extends Runnable & AutoCloseable> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HostedDatabases.class);

  /** How often the catalog is compared with what runs. */
  static final Duration EVERY = Duration.ofSeconds(1);

  /** A worker and its thread. */
  public record Hosted<T>(Database database, T worker, Thread thread) {}

  private final Catalog catalog;
  private final Predicate<Database> mine;
  private final String role;
  private final Function<Database, T> factory;
  private final Map<String, Hosted<T>> hosted = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param mine which of the catalog's databases this process runs (see {@link GroupShare})
   */
  public HostedDatabases(
      Catalog catalog, Predicate<Database> mine, String role, Function<Database, T> factory) {
    this.catalog = catalog;
    this.mine = mine;
    this.role = role;
    this.factory = factory;
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
        T worker = factory.apply(d);
        Thread t = Thread.ofPlatform().name(role + "-" + d.name()).start(worker);
        hosted.put(d.key(), new Hosted<>(d, worker, t));
        log.info("{} of database {} started", role, d.key());
      }
    }
  }

  private void stop(Hosted<T> h, String why) {
    if (hosted.remove(h.database().key(), h)) {
      log.info("stopping the {} of database {}: {}", role, h.database().key(), why);
      try {
        h.worker().close();
        h.thread().join(30_000);
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
