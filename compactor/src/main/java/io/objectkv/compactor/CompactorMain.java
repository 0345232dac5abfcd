package io.objectkv.compactor;

import io.javalin.Javalin;
import io.objectkv.compactor.gc.DroppedDatabases;
import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaClients;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.ProcessMain;
import io.objectkv.runtime.cluster.Announcer;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.GroupShare;
import io.objectkv.runtime.cluster.HostedDatabases;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.config.Stores;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.Security;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;

/** Entry point of the compactor process. */
public final class CompactorMain {
  private CompactorMain() {}

  public static final Setting HTTP_PORT =
      Setting.of(
          "OBJECTKV_COMPACTOR_HTTP_PORT", "8091", "port of /health, /metrics and /v1/status");
  public static final Setting MIN_L0_OBJECTS =
      Setting.of(
          "OBJECTKV_COMPACTOR_MIN_L0_OBJECTS",
          String.valueOf(CompactionPolicy.DEFAULT.minL0Objects()),
          "compact into L1 no fewer L0 objects than this (unless they hold the tier base)...");
  public static final Setting L0_TO_L1_RATIO =
      Setting.of(
          "OBJECTKV_COMPACTOR_L0_TO_L1_RATIO",
          String.valueOf(CompactionPolicy.DEFAULT.l0ToL1Ratio()),
          "...once their bytes are this fraction of the L1 bytes they overlap (write amplification about 1 + 1/ratio, space amplification at most 1 + ratio)");
  public static final Setting MAX_L0_OBJECTS =
      Setting.of(
          "OBJECTKV_COMPACTOR_MAX_L0_OBJECTS",
          String.valueOf(CompactionPolicy.DEFAULT.maxL0Objects()),
          "compact into L1 once L0 holds this many objects (the most a read consults in L0)");
  public static final Setting MAX_L0_BYTES =
      Setting.of(
          "OBJECTKV_COMPACTOR_MAX_L0_BYTES",
          Setting.bytes(CompactionPolicy.DEFAULT.maxL0Bytes()),
          "...or this many bytes, whatever L1 holds (0: no bound; the ratio bounds L0)");
  public static final Setting MAX_L0_AGE =
      Setting.of(
          "OBJECTKV_COMPACTOR_MAX_L0_AGE",
          Setting.text(CompactionPolicy.DEFAULT.maxL0Age()),
          "...or once L0's oldest data is this old in log time (0s: no bound)");
  public static final Setting TIER_WIDTH =
      Setting.of(
          "OBJECTKV_COMPACTOR_TIER_WIDTH",
          String.valueOf(CompactionPolicy.DEFAULT.tierWidth()),
          "merge this many adjacent L0 objects of one size class into one L0 object (0: never)");
  public static final Setting TIER_BASE_BYTES =
      Setting.of(
          "OBJECTKV_COMPACTOR_TIER_BASE_BYTES",
          Setting.bytes(CompactionPolicy.DEFAULT.tierBaseBytes()),
          "L0 objects below this size are one size class; each next class is tier width times larger");
  public static final Setting MAX_L0_PER_JOB =
      Setting.of(
          "OBJECTKV_COMPACTOR_MAX_L0_PER_JOB",
          String.valueOf(CompactionPolicy.DEFAULT.maxL0PerJob()),
          "most L0 objects merged by one compaction");
  public static final Setting TARGET_L1_BYTES =
      Setting.of(
          "OBJECTKV_COMPACTOR_TARGET_L1_BYTES",
          Setting.bytes(CompactionPolicy.DEFAULT.targetL1Bytes()),
          "size at which L1 output objects are cut");
  public static final Setting GC_GRACE =
      Setting.of(
          "OBJECTKV_COMPACTOR_GC_GRACE",
          Setting.text(CompactorConfig.GC_GRACE),
          "unreferenced objects are deleted after this long");
  public static final Setting GC_INTERVAL =
      Setting.of(
          "OBJECTKV_COMPACTOR_GC_INTERVAL",
          Setting.text(CompactorConfig.GC_INTERVAL),
          "how often garbage is collected");
  public static final Setting GC_DRY_RUN =
      Setting.of(
          "OBJECTKV_COMPACTOR_GC_DRY_RUN",
          "false",
          "only list what garbage collection would delete");
  public static final Setting TEMP_DIR =
      Setting.of(
          "OBJECTKV_COMPACTOR_TEMP_DIR",
          "./data/compactor-tmp",
          "where outputs are built before upload");

  public static final Setting KEPT_OUTPUT_BYTES =
      Setting.of(
          "OBJECTKV_COMPACTOR_KEPT_OUTPUT_BYTES",
          Setting.bytes(CompactorConfig.KEPT_OUTPUT_BYTES),
          "local disk for the compactor's own outputs, read back by later merges instead of from"
              + " S3 (0: none)");

  public static final Setting PARK_AFTER =
      Setting.of(
          "OBJECTKV_COMPACTOR_PARK_AFTER",
          "30s",
          "a database (other than the default) quiet this long, with nothing to compact or"
              + " collect, parks: no loop, no request until its manifest log moves");

  public static final List<Setting> OWN =
      List.of(
          HTTP_PORT,
          MIN_L0_OBJECTS,
          L0_TO_L1_RATIO,
          MAX_L0_OBJECTS,
          MAX_L0_BYTES,
          MAX_L0_AGE,
          TIER_WIDTH,
          TIER_BASE_BYTES,
          MAX_L0_PER_JOB,
          TARGET_L1_BYTES,
          GC_GRACE,
          GC_INTERVAL,
          GC_DRY_RUN,
          CommonSettings.COMPACTION_MAX_AGE,
          TEMP_DIR,
          KEPT_OUTPUT_BYTES,
          PARK_AFTER,
          CommonSettings.SST_BLOCK_BYTES);

  /** A dead compactor's databases move to the others after this long. */
  private static final Duration SHARE_SESSION = Duration.ofSeconds(10);

  public static void main(String[] args) {
    ProcessMain.run(
        "objectkv-compactor",
        "Merges L0 objects into the L1 sorted run, hands each result to the writer (through the write\n"
            + "log), and deletes objects no manifest references once a grace period has passed.",
        OWN,
        args,
        CompactorMain::start);
  }

  static CompactorConfig config(Settings s) {
    return new CompactorConfig(
        s.get(CommonSettings.KAFKA_BOOTSTRAP),
        new KafkaNames(s.get(CommonSettings.DATABASE)),
        policy(s),
        CommonSettings.sstOptions(s),
        s.durationValue(GC_GRACE),
        s.durationValue(GC_INTERVAL),
        s.boolValue(GC_DRY_RUN),
        s.durationValue(CommonSettings.COMPACTION_MAX_AGE),
        CompactorConfig.KEEP_SNAPSHOTS,
        CompactorConfig.READ_AHEAD,
        Path.of(s.get(TEMP_DIR)),
        s.longValue(KEPT_OUTPUT_BYTES),
        null);
  }

  /** The compaction settings, checked together: a bad combination is a configuration error. */
  static CompactionPolicy policy(Settings s) {
    try {
      return new CompactionPolicy(
          s.intValue(MIN_L0_OBJECTS),
          s.fractionValue(L0_TO_L1_RATIO),
          s.intValue(MAX_L0_OBJECTS),
          s.longValue(MAX_L0_BYTES),
          s.durationValue(MAX_L0_AGE),
          s.intValue(TIER_WIDTH),
          s.longValue(TIER_BASE_BYTES),
          s.intValue(MAX_L0_PER_JOB),
          s.longValue(TARGET_L1_BYTES));
    } catch (IllegalArgumentException e) {
      throw new Settings.ConfigException(
          "OBJECTKV_COMPACTOR_*: " + e.getMessage() + "; see objectkv-compactor --help");
    }
  }

  static AutoCloseable start(Settings s) {
    Metrics metrics = new Metrics();
    CompactorConfig config = config(s);
    // Read here, not when a database is first held: a bad value stops the process at its start.
    Duration parkAfter = s.durationValue(PARK_AFTER);
    Liveness liveness = new Liveness(InstantSource.system());
    Security security = Security.from(s);
    // The HTTP server first: /health answers while the clients start and the topics are checked.
    AtomicReference<Compactor> running = new AtomicReference<>();
    Javalin http =
        HttpServers.create(
                "compactor",
                metrics,
                liveness,
                security,
                routes ->
                    routes.routes.get(
                        "/v1/status",
                        ctx -> {
                          Compactor c = running.get();
                          if (c == null) {
                            throw ApiException.unavailable("the compactor is starting");
                          }
                          ctx.json(c.status());
                        }))
            .start(s.get(CommonSettings.HTTP_HOST), s.intValue(HTTP_PORT));
    Admin admin = KafkaClients.admin(config.bootstrap());
    ObjectStore store = Stores.openInBackground(s, metrics);
    Compactor compactor =
        new Compactor(
            config,
            store,
            admin,
            InstantSource.system(),
            new SecureRandom(),
            metrics,
            liveness,
            CompactionMerger.Step.NONE);
    running.set(compactor);
    System.out.println(
        "objectkv-compactor: http://"
            + s.get(CommonSettings.HTTP_HOST)
            + ":"
            + http.port()
            + "/v1/status");
    TopicSetup.ensureTopics(admin, config.names(), CommonSettings.replication(s));
    Thread thread = Thread.ofPlatform().name("compactor").start(compactor);
    Catalog catalog =
        Catalog.follow(
            config.bootstrap(),
            config.names(),
            CommonSettings.replication(s),
            config.names().database() + "-compactor-catalog-" + UUID.randomUUID());
    // The other databases are shared among the compactors: each runs only its share.
    GroupShare share =
        new GroupShare(
            config.bootstrap(),
            config.names(),
            config.names().database() + ".compactors",
            config.names().database() + "-compactor-share-" + UUID.randomUUID(),
            catalog,
            db -> db.kafkaNames(config.names()).manifest(),
            SHARE_SESSION);
    HostedDatabases<Compactor> others =
        new HostedDatabases<>(
            catalog,
            share::holds,
            "compactor",
            db ->
                new Compactor(
                    config.forDatabase(
                        db.kafkaNames(config.names()), db.name() + "-" + db.id(), parkAfter),
                    db.store(store),
                    admin,
                    InstantSource.system(),
                    new SecureRandom(),
                    new Metrics(), // the process's figures are the default database's
                    liveness,
                    CompactionMerger.Step.NONE),
            (db, worker) -> {
              long end = share.logEnd(db);
              return end >= 0 && worker.due(end);
            });
    metrics.gauge(
        "objectkv_compactor_databases",
        "Databases besides the default one that this compactor holds.",
        () -> others.hosted().size());
    metrics.gauge(
        "objectkv_compactor_databases_running",
        "Held databases whose compaction loop runs (the others are parked).",
        others::running);
    DroppedDatabases dropped =
        new DroppedDatabases(
            catalog, store, admin, config.names(), config.gcGrace(), InstantSource.system());
    Announcer announcer =
        Announcer.start(
            s,
            UUID.randomUUID().toString(),
            "compactor",
            http.port(),
            security.tls().isPresent(),
            metrics,
            () ->
                new ProcessCard.Progress(
                    liveness.problems().isEmpty() ? "compacting" : "unhealthy",
                    compactor.manifest() == null ? null : compactor.manifest().id(),
                    0,
                    0,
                    compactor.storedBytes()));
    return ProcessMain.all(
        announcer,
        http::stop,
        dropped,
        others,
        share,
        () -> {
          compactor.close();
          thread.join(30_000);
        },
        catalog,
        admin,
        store);
  }
}
