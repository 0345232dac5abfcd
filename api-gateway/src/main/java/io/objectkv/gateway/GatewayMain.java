package io.objectkv.gateway;

import io.javalin.Javalin;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.gateway.db.GatewayDatabases;
import io.objectkv.gateway.http.Console;
import io.objectkv.gateway.http.DatabaseRoutes;
import io.objectkv.gateway.http.ReadRoutes;
import io.objectkv.gateway.http.ReplicaStatus;
import io.objectkv.gateway.http.WatchProxy;
import io.objectkv.gateway.http.WriteRoutes;
import io.objectkv.gateway.ops.CostMeter;
import io.objectkv.gateway.ops.Operations;
import io.objectkv.gateway.ops.Prices;
import io.objectkv.gateway.ops.Traffic;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.gateway.read.ReaderPool;
import io.objectkv.gateway.write.WriteClient;
import io.objectkv.kafka.CommittedEnd;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.kafka.TopicSetup;
import io.objectkv.runtime.ProcessMain;
import io.objectkv.runtime.cluster.Announcer;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.cluster.ProcessDirectory;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import io.objectkv.runtime.health.Liveness;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.HttpServers;
import io.objectkv.runtime.http.Security;
import io.objectkv.runtime.http.Tls;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Entry point of the API gateway. */
public final class GatewayMain {
  private GatewayMain() {}

  public static final Setting PORT =
      Setting.of("OBJECTKV_GATEWAY_PORT", "8080", "port of the public HTTP API");
  public static final Setting WRITE_TIMEOUT =
      Setting.of(
          "OBJECTKV_GATEWAY_WRITE_TIMEOUT",
          "10s",
          "how long a write waits for its outcome before answering 503");

  public static final Setting READERS =
      Setting.of(
          "OBJECTKV_GATEWAY_READERS",
          "",
          "comma-separated base URLs of reader replicas to use besides those that announce"
              + " themselves, e.g. http://127.0.0.1:8081 (usually empty)");

  public static final Setting READER_TOKEN =
      Setting.secret(
          "OBJECTKV_GATEWAY_READER_TOKEN",
          "the gateway's own bearer token for its calls to readers (when they require tokens)");

  public static final Setting PRICES =
      Setting.of(
          "OBJECTKV_PRICES",
          "",
          "object store prices for the cost meter, e.g. put=0.005,get=0.0004,storage=0.023 (dollars"
              + " per 1,000 requests, per GB-month; also list, head, delete); empty: S3 Standard"
              + " us-east-1 list prices");

  public static final Setting DATABASE_IDLE =
      Setting.of(
          "OBJECTKV_GATEWAY_DATABASE_IDLE",
          "5m",
          "the write client of a database besides the default one is closed after this long"
              + " without a write");

  public static final List<Setting> OWN =
      List.of(PORT, WRITE_TIMEOUT, READERS, READER_TOKEN, PRICES, DATABASE_IDLE);

  public static void main(String[] args) {
    ProcessMain.run(
        "objectkv-api-gateway",
        "The public HTTP API of ObjectKV (API.md): writes go to the write log and wait for their outcome;\n"
            + "reads go to reader replicas.",
        OWN,
        args,
        s -> start(s, UUID.randomUUID().toString()));
  }

  /** A running gateway. */
  public record Gateway(
      Javalin http,
      GatewayDatabases databases,
      Metrics metrics,
      Announcer announcer,
      Operations ops,
      ReadForwarder forwarder)
      implements AutoCloseable {
    public int port() {
      return http.port();
    }

    @Override
    public void close() {
      announcer.close();
      ops.close();
      http.stop();
      forwarder.close();
      databases.close();
      databases.catalog().close();
    }
  }

  public static Gateway start(Settings s, String gatewayId) {
    Prices prices;
    try {
      prices = Prices.parse(s.get(PRICES));
    } catch (IllegalArgumentException e) {
      throw new Settings.ConfigException(PRICES.name() + ": " + e.getMessage());
    }
    KafkaNames names = new KafkaNames(s.get(CommonSettings.DATABASE));
    String bootstrap = s.get(CommonSettings.KAFKA_BOOTSTRAP);
    TopicSetup.ensureTopics(bootstrap, names, CommonSettings.replication(s));
    Metrics metrics = new Metrics();
    WriteClient writes =
        new WriteClient(
            bootstrap,
            names,
            Optional.empty(),
            gatewayId,
            s.durationValue(WRITE_TIMEOUT),
            InstantSource.system(),
            metrics);
    Catalog catalog =
        Catalog.follow(
            bootstrap,
            names,
            CommonSettings.replication(s),
            names.database() + "-catalog-" + gatewayId);
    Duration writeTimeout = s.durationValue(WRITE_TIMEOUT);
    GatewayDatabases databases =
        new GatewayDatabases(
            catalog,
            writes,
            db ->
                new WriteClient(
                    bootstrap,
                    db.kafkaNames(names),
                    db.isDefault() ? Optional.empty() : Optional.of(names.wake()),
                    gatewayId,
                    writeTimeout,
                    InstantSource.system(),
                    metrics),
            new CommittedEnd(bootstrap, names.database() + "-end-" + gatewayId, names.manifest()),
            db ->
                new CommittedEnd(
                    bootstrap,
                    db.kafkaNames(names).database() + "-end-" + gatewayId,
                    db.kafkaNames(names).manifest()),
            s.durationValue(DATABASE_IDLE));
    try {
      catalog.create(DatabasePaths.DEFAULT); // lists the default database with the others
    } catch (Catalog.CatalogUnavailableException e) {
      System.err.println("objectkv-api-gateway: " + e.getMessage() + "; going on");
    }
    WriteRoutes writeRoutes = new WriteRoutes(databases);
    List<URI> readers =
        java.util.Arrays.stream(s.get(READERS).split(","))
            .map(String::trim)
            .filter(r -> !r.isEmpty())
            .map(r -> URI.create(r.endsWith("/") ? r : r + "/"))
            .toList();
    Security security = Security.from(s);
    System.out.println(security.describe("objectkv-api-gateway"));
    String readerToken = s.get(READER_TOKEN);
    ProcessDirectory directory =
        ProcessDirectory.follow(bootstrap, names, names.database() + "-directory-" + gatewayId);
    ReadForwarder forwarder =
        new ReadForwarder(
            new ReaderPool(readers, directory::servingReaders, Duration.ofSeconds(5)),
            security.tls().map(Tls::clientContext),
            readerToken.isBlank() ? Optional.empty() : Optional.of(readerToken),
            metrics);
    ReadRoutes readRoutes = new ReadRoutes(forwarder, databases, metrics);
    WatchProxy watchProxy = new WatchProxy(forwarder, databases);
    DatabaseRoutes databaseRoutes = new DatabaseRoutes(catalog);
    Operations ops =
        new Operations(
            directory,
            new CostMeter(prices),
            new Traffic(writes.ackSeconds(), readRoutes.readSeconds(), System.currentTimeMillis()));
    Javalin http =
        HttpServers.create(
                "api-gateway",
                metrics,
                new Liveness(InstantSource.system()),
                security,
                config -> {
                  databaseRoutes.register(config);
                  writeRoutes.register(config);
                  readRoutes.register(config);
                  watchProxy.register(config);
                  Console.register(config);
                  config.routes.get(
                      "/v1/status",
                      ctx ->
                          ctx.json(
                              ReplicaStatus.collect(
                                  gatewayId, databases.pendingCount(), forwarder, ops)));
                })
            .start(s.get(CommonSettings.HTTP_HOST), s.intValue(PORT));
    System.out.println(
        "objectkv-api-gateway: http://"
            + s.get(CommonSettings.HTTP_HOST)
            + ":"
            + http.port()
            + " (console: /console)");
    Announcer announcer =
        Announcer.start(
            s,
            gatewayId,
            "api-gateway",
            http.port(),
            security.tls().isPresent(),
            metrics,
            () -> ProcessCard.Progress.of("serving"));
    return new Gateway(http, databases, metrics, announcer, ops, forwarder);
  }
}
