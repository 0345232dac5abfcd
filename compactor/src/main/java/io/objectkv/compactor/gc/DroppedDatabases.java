package io.objectkv.compactor.gc;

import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a dropped database left: once the grace period has passed since the drop, its
 * objects, its topics and its writer group, and then its record in the catalog. Any compactor may
 * do it, any number of times: every step is idempotent.
 */
public final class DroppedDatabases implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DroppedDatabases.class);

  private static final Duration EVERY = Duration.ofSeconds(30);

  private final Catalog catalog;
  private final ObjectStore shared;
  private final Admin admin;
  private final KafkaNames deployment;
  private final Duration grace;
  private final InstantSource clock;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param shared the deployment's store (databases' prefixes are under it)
   */
  public DroppedDatabases(
      Catalog catalog,
      ObjectStore shared,
      Admin admin,
      KafkaNames deployment,
      Duration grace,
      InstantSource clock) {
    this.clock = clock;
    this.catalog = catalog;
    this.shared = shared;
    this.admin = admin;
    this.deployment = deployment;
    this.grace = grace;
    this.thread = Thread.ofPlatform().name("dropped-databases").daemon().start(this::run);
  }

  private void run() {
    while (running) {
      try {
        Thread.sleep(EVERY);
        for (Database d : catalog.dropped()) {
          if (running && d.droppedAt().plus(grace).isBefore(clock.instant())) {
            delete(d);
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("cannot delete a dropped database yet; retrying: {}", e.toString());
      }
    }
  }

  /** Deletes the database's objects, topics and group, then forgets it. */
  public void delete(Database d) {
    List<String> keys = shared.list(d.objectPrefix()).stream().map(ObjectInfo::key).toList();
    for (int i = 0; i < keys.size(); i += ObjectStore.DELETE_ALL_MAX) {
      shared.deleteAll(keys.subList(i, Math.min(keys.size(), i + ObjectStore.DELETE_ALL_MAX)));
    }
    KafkaNames names = d.kafkaNames(deployment);
    // Each topic on its own: one already gone (a retry, or the retired results topic of a database
    // made since) is fine, any other failure is not.
    var deletions =
        admin
            .deleteTopics(List.of(names.writes(), names.retiredResults(), names.manifest()))
            .topicNameValues();
    for (var deletion : deletions.entrySet()) {
      try {
        deletion.getValue().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new IllegalStateException(
              "deleting topic " + deletion.getKey() + " of " + d.key(), e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      admin.deleteConsumerGroups(List.of(names.writerGroup())).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof GroupIdNotFoundException)) {
        log.warn("cannot delete the writer group of {}: {}", d.key(), e.getCause().toString());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    catalog.purge(d);
    log.info("deleted dropped database {}: {} objects and its topics", d.key(), keys.size());
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
