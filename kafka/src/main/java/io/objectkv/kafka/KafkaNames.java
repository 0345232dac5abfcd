package io.objectkv.kafka;

import java.util.regex.Pattern;

/**
 * The Kafka names of one database: topics {@code <db>.writes}, {@code <db>.manifest} and {@code
 * <db>.processes}, the writer's consumer group and its transactional id. The default database is
 * called {@code objectkv}.
 */
public record KafkaNames(String database) {
  // Compiled once: the processes that share many databases make their names every second.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  public KafkaNames {
    if (!NAME.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "database name must be 1-200 of [A-Za-z0-9._-]: " + database);
    }
  }

  public String writes() {
    return database + ".writes";
  }

  /**
   * Where outcomes went back to gateways before they moved into manifest deltas: no longer created,
   * only deleted with a dropped database that still has one.
   */
  public String retiredResults() {
    return database + ".results";
  }

  public String manifest() {
    return database + ".manifest";
  }

  /** Where every process announces itself, every few seconds: the directory of the cluster. */
  public String processes() {
    return database + ".processes";
  }

  /**
   * The deployment's catalog of databases (a compacted topic; only the default database's names
   * have one).
   */
  public String catalog() {
    return database + ".databases";
  }

  /**
   * The deployment's wake log: one record per wake, keyed by the write log it names. Writers stop
   * fetching the write logs of databases quiet for a while; a gateway that writes to a database
   * after a quiet second names it here, and the writer that holds it fetches it again (only the
   * default database's names have one).
   */
  public String wake() {
    return database + ".wake";
  }

  /** The consumer group of the writers: one active member, the others standby. */
  public String writerGroup() {
    return database + ".writer";
  }

  /** Fixed per database, so a new writer fences the previous one's transactions. */
  public String writerTransactionalId() {
    return database + ".writer";
  }
}
