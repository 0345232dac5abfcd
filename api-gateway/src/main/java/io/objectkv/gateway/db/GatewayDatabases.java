package io.objectkv.gateway.db;

import io.javalin.http.Context;
import io.objectkv.gateway.write.WriteClient;
import io.objectkv.kafka.CommittedEnd;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.cluster.OpenDatabases;
import io.objectkv.runtime.http.DatabasePaths;
import java.time.Duration;
import java.util.function.Function;

/**
 * The databases as a gateway sees them: which one a request addresses (404 if none), the write
 * client of each, opened on its first write, and the lookup of its manifest log's end for strong
 * reads, opened on its first strong read; both closed when idle or dropped ({@link OpenDatabases}).
 */
public final class GatewayDatabases implements AutoCloseable {
  /** Write clients open at once besides the default database's, at most. */
  private static final int MAX_OPEN = 256;

  private final Catalog catalog;
  private final WriteClient defaultWrites;
  private final OpenDatabases<WriteClient> others;
  private final CommittedEnd defaultEnd;
  private final OpenDatabases<CommittedEnd> otherEnds;

  public GatewayDatabases(
      Catalog catalog,
      WriteClient defaultWrites,
      Function<Database, WriteClient> opener,
      CommittedEnd defaultEnd,
      Function<Database, CommittedEnd> endOpener,
      Duration idle) {
    this.catalog = catalog;
    this.defaultWrites = defaultWrites;
    this.others =
        new OpenDatabases<>(
            catalog, "the write client", opener, w -> w.pendingCount() > 0, MAX_OPEN, idle);
    this.defaultEnd = defaultEnd;
    this.otherEnds =
        new OpenDatabases<>(
            catalog, "the manifest log's end", endOpener, e -> false, MAX_OPEN, idle);
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The name of the database a request addresses, which exists; 404 otherwise. */
  public String resolve(Context ctx) {
    String name = DatabasePaths.database(ctx);
    if (!name.equals(DatabasePaths.DEFAULT)) {
      OpenDatabases.require(catalog, name);
    }
    return name;
  }

  /** The write client of the database a request addresses. */
  public WriteClient writes(Context ctx) {
    return others.get(DatabasePaths.database(ctx), defaultWrites);
  }

  /** The lookup of the end of the manifest log of the database a request addresses. */
  public CommittedEnd manifestEnd(Context ctx) {
    return otherEnds.get(DatabasePaths.database(ctx), defaultEnd);
  }

  /**
   * How far this gateway has read the manifest log of the database a request addresses (every write
   * it acknowledged there has its delta below), or 0 while it has no write client open there.
   */
  public long seenEnd(Context ctx) {
    String name = DatabasePaths.database(ctx);
    return name.equals(DatabasePaths.DEFAULT)
        ? defaultWrites.seenEnd()
        : others.ifOpen(name).map(WriteClient::seenEnd).orElse(0L);
  }

  /** Writes in flight, over every database. */
  public int pendingCount() {
    return defaultWrites.pendingCount()
        + others.values().stream().mapToInt(WriteClient::pendingCount).sum();
  }

  @Override
  public void close() {
    others.close();
    defaultWrites.close();
    otherEnds.close();
    defaultEnd.close();
  }
}
