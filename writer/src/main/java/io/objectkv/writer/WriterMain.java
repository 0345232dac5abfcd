package io.objectkv.writer;

import io.javalin.Javalin;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.ProcessMain;
import io.objectkv.runtime.cluster.Announcer;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.config.Stores;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.Security;
import io.objectkv.writer.commit.GroupPolicy;
import io.objectkv.writer.decide.Decider;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** Entry point of the writer process. */
public final class WriterMain {
  private WriterMain() {}

  public static final Setting HTTP_PORT =
      Setting.of("OBJECTKV_WRITER_HTTP_PORT", "8090", "port of /health, /metrics and /v1/status");
  public static final Setting GROUP_MAX_RECORDS =
      Setting.of(
          "OBJECTKV_WRITER_GROUP_MAX_RECORDS",
          String.valueOf(GroupPolicy.DEFAULT.maxRecords()),
          "most write-log records in one group commit");
  public static final Setting GROUP_MAX_BYTES =
      Setting.of(
          "OBJECTKV_WRITER_GROUP_MAX_BYTES",
          Setting.bytes(GroupPolicy.DEFAULT.maxBytes()),
          "most record bytes in one group commit");
  public static final Setting GROUP_TARGET_RECORDS =
      Setting.of(
          "OBJECTKV_WRITER_GROUP_TARGET_RECORDS",
          String.valueOf(GroupPolicy.DEFAULT.targetRecords()),
          "records per group commit (S3 PUT) wanted under heavy load: after a group of this many, the next is held the max delay");
  public static final Setting GROUP_MAX_DELAY =
      Setting.of(
          "OBJECTKV_WRITER_GROUP_MAX_DELAY",
          Setting.text(GroupPolicy.DEFAULT.maxDelay()),
          "longest a group keeps growing after its first record, and the longest hold after a large group (light load commits at once)");
  public static final Setting GROUP_MIN_INTERVAL =
      Setting.of(
          "OBJECTKV_WRITER_GROUP_MIN_INTERVAL",
          Setting.text(GroupPolicy.DEFAULT.minInterval()),
          "least time between two group commits whatever the load: a hard cap on S3 PUTs per second, paid in latency under light load");
  public static final Setting L0_SLOWDOWN_OBJECTS =
      Setting.of(
          "OBJECTKV_WRITER_L0_SLOWDOWN_OBJECTS",
          String.valueOf(GroupPolicy.DEFAULT.l0SlowdownObjects()),
          "past this many L0 objects groups are held longer, up to 2 s at OBJECTKV_WRITER_L0_STOP_OBJECTS (0: never): fewer, larger groups while the compactor catches up");
  public static final Setting L0_STOP_OBJECTS =
      Setting.of(
          "OBJECTKV_WRITER_L0_STOP_OBJECTS",
          String.valueOf(GroupPolicy.DEFAULT.l0StopObjects()),
          "past this many L0 objects (the compactor's bound) groups are held 4 s: as near to a stop as the log allows");
  public static final Setting SNAPSHOT_EVERY =
      Setting.of(
          "OBJECTKV_WRITER_SNAPSHOT_EVERY_DELTAS",
          String.valueOf(WriterConfig.SNAPSHOT_EVERY_DELTAS),
          "manifest snapshot after this many deltas");
  public static final Setting SNAPSHOT_INTERVAL =
      Setting.of(
          "OBJECTKV_WRITER_SNAPSHOT_INTERVAL",
          Setting.text(WriterConfig.SNAPSHOT_EVERY),
          "or after this much time");
  public static final Setting REQUEST_RETENTION =
      Setting.of(
          "OBJECTKV_WRITER_REQUEST_RETENTION",
          Setting.text(Decider.Bounds.DEFAULT.requestRetention()),
          "how long (log time) a request id's outcome is remembered for retries; keep it above the gateways' write timeout plus clock skew");
  public static final Setting REQUEST_BOOK_BYTES =
      Setting.of(
          "OBJECTKV_WRITER_REQUEST_BOOK_BYTES",
          Setting.bytes(Decider.Bounds.DEFAULT.requestBookBytes()),
          "bound of the remembered request ids; beyond it new ids are answered 503 until old ones expire");
  public static final Setting KEY_CACHE =
      Setting.of(
          "OBJECTKV_WRITER_KEY_CACHE_BYTES",
          Setting.bytes(WriterConfig.KEY_CACHE_BYTES),
          "cache of recent key states for condition checks");
  public static final Setting BLOCK_CACHE =
      Setting.of(
          "OBJECTKV_WRITER_BLOCK_CACHE_BYTES",
          Setting.bytes(WriterConfig.BLOCK_CACHE_BYTES),
          "cache of decoded data blocks");
  public static final Setting SESSION_TIMEOUT =
      Setting.of(
          "OBJECTKV_WRITER_SESSION_TIMEOUT",
          Setting.text(WriterConfig.SESSION_TIMEOUT),
          "a silent active writer is replaced after this long (the brokers' group.min.session.timeout.ms must allow it)");

  public static final Setting PARK_AFTER =
      Setting.of(
          "OBJECTKV_WRITER_PARK_AFTER",
          Setting.text(SharedWriters.PARK_AFTER),
          "a database (but the default one) with no write for this long parks its writer: no work, no"
              + " S3 request until the next write, which waits for a recovery");

  public static final List<Setting> OWN =
      List.of(
          HTTP_PORT,
          GROUP_MAX_RECORDS,
          GROUP_MAX_BYTES,
          GROUP_TARGET_RECORDS,
          GROUP_MAX_DELAY,
          GROUP_MIN_INTERVAL,
          L0_SLOWDOWN_OBJECTS,
          L0_STOP_OBJECTS,
          SNAPSHOT_EVERY,
          SNAPSHOT_INTERVAL,
          REQUEST_RETENTION,
          REQUEST_BOOK_BYTES,
          CommonSettings.COMPACTION_MAX_AGE,
          KEY_CACHE,
          BLOCK_CACHE,
          SESSION_TIMEOUT,
          PARK_AFTER,
          CommonSettings.SST_BLOCK_BYTES);

  public static void main(String[] args) {
    ProcessMain.run(
        "objectkv-writer",
        "The single active consumer of the write log: validates conditions, group-commits to the object\n"
            + "store and owns the manifest. Run two for failover: the second waits as a standby.",
        OWN,
        args,
        WriterMain::start);
  }

  static WriterConfig config(Settings s) {
    return new WriterConfig(
        s.get(CommonSettings.KAFKA_BOOTSTRAP),
        new KafkaNames(s.get(CommonSettings.DATABASE)),
        new GroupPolicy(
            s.intValue(GROUP_MAX_RECORDS),
            s.longValue(GROUP_MAX_BYTES),
            s.intValue(GROUP_TARGET_RECORDS),
            s.durationValue(GROUP_MAX_DELAY),
            s.durationValue(GROUP_MIN_INTERVAL),
            s.intValue(L0_SLOWDOWN_OBJECTS),
            s.intValue(L0_STOP_OBJECTS)),
        s.intValue(SNAPSHOT_EVERY),
        s.durationValue(SNAPSHOT_INTERVAL),
        new Decider.Bounds(
            s.durationValue(REQUEST_RETENTION),
            s.longValue(REQUEST_BOOK_BYTES),
            Decider.Bounds.DEFAULT.deltaBytes(),
            s.durationValue(CommonSettings.COMPACTION_MAX_AGE)),
        s.longValue(KEY_CACHE),
        s.longValue(BLOCK_CACHE),
        s.durationValue(SESSION_TIMEOUT),
        CommonSettings.sstOptions(s));
  }

  static AutoCloseable start(Settings s) {
    Metrics metrics = new Metrics();
    WriterConfig config = config(s);
    ObjectStore store = Stores.openInBackground(s, metrics);
    Liveness liveness = new Liveness(InstantSource.system());
    Writer writer =
        new Writer(
            config,
            store,
            InstantSource.system(),
            new SecureRandom(),
            metrics,
            liveness,
            UUID.randomUUID().toString().substring(0, 8));
    Security security = Security.from(s);
    AtomicReference<SharedWriters> shared = new AtomicReference<>();
    // The HTTP server first: /v1/status and /health answer while the topics are checked.
    Javalin http =
        HttpServers.create(
                "writer",
                metrics,
                liveness,
                security,
                routes -> {
                  routes.routes.get("/v1/status", ctx -> ctx.json(writer.status()));
                  routes.routes.get(
                      "/v1/db/{db}/status",
                      ctx -> {
                        String db = ctx.pathParam("db");
                        ctx.json(
                            db.equals(DatabasePaths.DEFAULT)
                                ? writer.status()
                                : Optional.ofNullable(shared.get())
                                    .flatMap(w -> w.status(db))
                                    .orElseThrow(
                                        () ->
                                            new ApiException(
                                                404,
                                                "no_such_database",
                                                "this writer does not hold database '"
                                                    + db
                                                    + "' now")));
                      });
                })
            .start(s.get(CommonSettings.HTTP_HOST), s.intValue(HTTP_PORT));
    System.out.println(
        "objectkv-writer: http://"
            + s.get(CommonSettings.HTTP_HOST)
            + ":"
            + http.port()
            + "/v1/status");
    String bootstrap = config.bootstrap();
    TopicSetup.ensureTopics(bootstrap, config.names(), CommonSettings.replication(s));
    Thread thread = Thread.ofPlatform().name("writer").start(writer);
    Catalog catalog =
        Catalog.follow(
            bootstrap,
            config.names(),
            CommonSettings.replication(s),
            config.names().database() + "-writer-catalog-" + UUID.randomUUID());
    // The other databases of the catalog are shared by the writers' group.
    SharedWriters others =
        new SharedWriters(
            config,
            catalog,
            store,
            InstantSource.system(),
            SecureRandom::new,
            // One set of figures for the process: every database it writes.
            new WriterMetrics(metrics),
            liveness,
            UUID.randomUUID().toString().substring(0, 8),
            s.durationValue(PARK_AFTER));
    Thread othersThread = Thread.ofPlatform().name("writers-group").start(others);
    shared.set(others);
    Announcer announcer =
        Announcer.start(
            s,
            UUID.randomUUID().toString(),
            "writer",
            http.port(),
            security.tls().isPresent(),
            metrics,
            () -> {
              WriterStatus status = writer.status();
              return new ProcessCard.Progress(
                  status.role(),
                  status.active() == null ? null : status.active().manifest().manifestVersion(),
                  writer.committedWrites(), // of every database: the roles count there too
                  0,
                  null);
            });
    return ProcessMain.all(
        announcer,
        http::stop,
        () -> {
          others.close();
          othersThread.join(30_000);
        },
        () -> {
          writer.close();
          thread.join(30_000);
        },
        catalog,
        store);
  }
}
