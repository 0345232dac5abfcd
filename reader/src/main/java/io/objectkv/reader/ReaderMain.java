package io.objectkv.reader;

import io.javalin.Javalin;
import io.objectkv.core.manifest.ManifestSummary;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.read.BlockCache;
import io.objectkv.core.read.StoreRangeFetcher;
import io.objectkv.core.read.TableCache;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.CommittedEnd;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.ManifestFollower;
import io.objectkv.reader.cache.DiskBlockCache;
import io.objectkv.reader.db.ReadSide;
import io.objectkv.reader.db.ReadSides;
import io.objectkv.reader.follow.ManifestTracker;
import io.objectkv.reader.follow.ReadState;
import io.objectkv.reader.http.ReaderRoutes;
import io.objectkv.reader.http.WatchRoute;
import io.objectkv.reader.watch.ChangeFeed;
import io.objectkv.runtime.ProcessMain;
import io.objectkv.runtime.cluster.Announcer;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.config.Stores;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.Security;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Entry point of a reader replica. */
public final class ReaderMain {
  private ReaderMain() {}

  public static final Setting PORT =
      Setting.of("OBJECTKV_READER_PORT", "8081", "port of this replica's read API");
  public static final Setting CACHE_DIR =
      Setting.of(
          "OBJECTKV_READER_CACHE_DIR", "./data/reader-cache", "directory of the local disk cache");
  public static final Setting DISK_CACHE_BYTES =
      Setting.of("OBJECTKV_READER_DISK_CACHE_BYTES", "1G", "bound of the local disk cache");
  public static final Setting MEMORY_CACHE_BYTES =
      Setting.of(
          "OBJECTKV_READER_MEMORY_CACHE_BYTES", "256M", "bound of the decoded-block memory cache");

  public static final Setting WATCH_HISTORY_BYTES =
      Setting.of(
          "OBJECTKV_READER_WATCH_HISTORY_BYTES",
          "16M",
          "bound of the recent changes held for watches (older ones answer 410 once L0 is compacted)");
  public static final Setting WATCH_HEARTBEAT =
      Setting.of(
          "OBJECTKV_READER_WATCH_HEARTBEAT",
          "15s",
          "how often a quiet watch gets a comment line that keeps its connection open");

  public static final Setting MAX_OPEN_DATABASES =
      Setting.of(
          "OBJECTKV_READER_MAX_OPEN_DATABASES",
          "16",
          "databases besides the default one kept open at once (the least recently used is closed;"
              + " each has 1/16 of the memory cache and watch history)");
  public static final Setting DATABASE_IDLE =
      Setting.of(
          "OBJECTKV_READER_DATABASE_IDLE",
          "5m",
          "a database besides the default one with no request for this long is closed");

  public static final List<Setting> OWN =
      List.of(
          PORT,
          MAX_OPEN_DATABASES,
          DATABASE_IDLE,
          CACHE_DIR,
          DISK_CACHE_BYTES,
          MEMORY_CACHE_BYTES,
          WATCH_HISTORY_BYTES,
          WATCH_HEARTBEAT);

  public static void main(String[] args) {
    ProcessMain.run(
        "objectkv-reader",
        "A read replica of ObjectKV: follows the manifest log and serves gets, multi-gets and scans from\n"
            + "memory and a local disk cache in front of the object store. Run as many as you like.",
        OWN,
        args,
        s -> start(s, new Metrics()));
  }

  /** A running reader. */
  public record Reader(
      Javalin http,
      ReadSides sides,
      Catalog catalog,
      ObjectStore store,
      BlockCache blocks,
      DiskBlockCache disk,
      Metrics metrics,
      Announcer announcer)
      implements AutoCloseable {
    public int port() {
      return http.port();
    }

    /** The default database's followed manifest. */
    public ManifestTracker tracker() {
      return sides.defaultSide().tracker();
    }

    @Override
    public void close() {
      announcer.close();
      http.stop();
      sides.close();
      catalog.close();
      store.close();
    }
  }

  public static Reader start(Settings s, Metrics metrics) {
    long started = System.nanoTime();
    KafkaNames names = new KafkaNames(s.get(CommonSettings.DATABASE));
    String bootstrap = s.get(CommonSettings.KAFKA_BOOTSTRAP);
    ObjectStore store = Stores.openInBackground(s, metrics);
    DiskBlockCache disk =
        new DiskBlockCache(
            new StoreRangeFetcher(store),
            Path.of(s.get(CACHE_DIR)),
            s.longValue(DISK_CACHE_BYTES),
            metrics);
    long diskCacheReady = System.nanoTime();
    BlockCache blocks = new BlockCache(s.longValue(MEMORY_CACHE_BYTES));
    metrics.gauge(
        "objectkv_reader_block_cache_hit_ratio",
        "Share of block lookups served from memory.",
        () -> ratio(blocks.hits(), blocks.misses()));
    metrics.gauge(
        "objectkv_reader_block_cache_bytes", "Bytes of decoded blocks in memory.", blocks::bytes);
    TableCache tables = new TableCache(disk, blocks);
    metrics.gauge(
        "objectkv_reader_held_object_bytes",
        "Bytes of fresh L0 objects held whole in memory, their blocks read from there.",
        tables::heldBytes);
    Liveness liveness = new Liveness(InstantSource.system());
    Security security = Security.from(s);
    System.out.println(security.describe("objectkv-reader"));
    String clientId = names.database() + "-reader-" + UUID.randomUUID();
    ChangeFeed feed = new ChangeFeed(store, s.longValue(WATCH_HISTORY_BYTES));
    ManifestTracker tracker =
        new ManifestTracker(
            store,
            tables,
            start -> ManifestFollower.connect(bootstrap, names, clientId, start),
            metrics,
            liveness,
            feed::followed);
    CommittedEnd committedEnd = new CommittedEnd(bootstrap, clientId + "-end", names.manifest());
    committedEnd.afterNow(); // its consumer connects meanwhile, not at the first strong read
    Catalog catalog =
        Catalog.follow(bootstrap, names, CommonSettings.replication(s), clientId + "-catalog");
    ReadSides sides =
        new ReadSides(
            new ReadSide(tracker, committedEnd, feed),
            catalog,
            db -> {
              ObjectStore dbStore = db.store(store);
              KafkaNames dbNames = db.kafkaNames(names);
              String prefix = db.objectPrefix();
              ChangeFeed dbFeed = new ChangeFeed(dbStore, s.longValue(WATCH_HISTORY_BYTES) / 16);
              ManifestTracker dbTracker =
                  new ManifestTracker(
                      dbStore,
                      new TableCache(
                          (key, offset, length) -> disk.fetch(prefix + key, offset, length),
                          new BlockCache(s.longValue(MEMORY_CACHE_BYTES) / 16),
                          TableCache.HELD_BYTES / 16),
                      start ->
                          ManifestFollower.connect(
                              bootstrap, dbNames, clientId + "-" + db.name(), start),
                      new Metrics(), // the default database's figures are the process's
                      liveness,
                      dbFeed::followed);
              dbTracker.start();
              return new ReadSide(
                  dbTracker,
                  new CommittedEnd(
                      bootstrap, clientId + "-" + db.name() + "-end", dbNames.manifest()),
                  dbFeed);
            },
            s.intValue(MAX_OPEN_DATABASES),
            s.durationValue(DATABASE_IDLE));
    ReaderRoutes routes = new ReaderRoutes(sides, InstantSource.system(), metrics);
    WatchRoute watch = new WatchRoute(sides, s.durationValue(WATCH_HEARTBEAT));
    // Cold boot: the HTTP server starts while the manifest loads; reads that arrive first wait.
    CompletableFuture<Javalin> server =
        CompletableFuture.supplyAsync(
            () ->
                HttpServers.create(
                        "reader",
                        metrics,
                        liveness,
                        security,
                        config -> {
                          routes.register(config);
                          watch.register(config);
                          DatabasePaths.both("/v1/status")
                              .forEach(
                                  path ->
                                      config.routes.get(
                                          path,
                                          ctx ->
                                              ctx.json(
                                                  status(
                                                      routes.state(ctx),
                                                      blocks,
                                                      disk,
                                                      sides.of(ctx).feed()))));
                        })
                    .start(s.get(CommonSettings.HTTP_HOST), s.intValue(PORT)),
            ReaderMain::thread);
    long trackerStart = System.nanoTime();
    tracker.start();
    long trackerReady = System.nanoTime();
    disk.indexInBackground(); // after the boot, not beside it: the listing is CPU a boot needs
    Javalin http = server.join();
    long ready = System.nanoTime();
    System.out.printf(
        "objectkv-reader: http://%s:%d serving manifest %d (applied version %d), ready %d ms after"
            + " start (disk cache index %d ms, manifest %d ms, the rest %d ms)%n",
        s.get(CommonSettings.HTTP_HOST),
        http.port(),
        tracker.state().view().manifest().id(),
        tracker.state().appliedVersion(),
        (ready - started) / 1_000_000,
        (diskCacheReady - started) / 1_000_000,
        (trackerReady - trackerStart) / 1_000_000,
        (ready - started - (trackerReady - trackerStart)) / 1_000_000);
    // After serving starts: announcing is not on the way to the first read.
    Announcer announcer =
        Announcer.start(
            s,
            clientId,
            "reader",
            http.port(),
            security.tls().isPresent(),
            metrics,
            () -> {
              ReadState state = tracker.state();
              return new ProcessCard.Progress(
                  state == null ? "loading" : "serving",
                  state == null ? null : state.view().manifest().id(),
                  0,
                  routes.reads(),
                  null);
            });
    return new Reader(http, sides, catalog, store, blocks, disk, metrics, announcer);
  }

  /**
   * Start-up work gets a thread of its own: the common pool has one thread on two cores, and the
   * HTTP server must not queue behind other start-up work.
   */
  private static void thread(Runnable r) {
    Thread.ofPlatform().name("reader-start").daemon().start(r);
  }

  static double ratio(long hits, long misses) {
    return hits + misses == 0 ? 0 : (double) hits / (hits + misses);
  }

  static ReaderStatus status(
      ReadState state, BlockCache blocks, DiskBlockCache disk, ChangeFeed feed) {
    return new ReaderStatus(
        "reader",
        ManifestSummary.of(state.view().manifest()),
        ratio(blocks.hits(), blocks.misses()),
        blocks.bytes(),
        disk.bytes(),
        disk.files(),
        feed.size(),
        feed.oldest());
  }
}
