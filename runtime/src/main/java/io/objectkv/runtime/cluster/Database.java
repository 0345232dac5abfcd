package io.objectkv.runtime.cluster;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.PrefixedObjectStore;
import io.objectkv.kafka.KafkaNames;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One incarnation of a database (API.md v1.1 "Databases"). A name may be dropped and created again:
 * each creation gets a new {@code id}, so the new database starts empty in Kafka topics and objects
 * of its own while the old ones wait for garbage collection. The deployment's default database,
 * which the v1 paths address, has the empty id: its topics and objects keep the names they had
 * before there were databases.
 *
 * @param droppedAt null while the database exists
 */
public record Database(String name, String id, Instant createdAt, Instant droppedAt) {
  public static final String DEFAULT = io.objectkv.runtime.http.DatabasePaths.DEFAULT;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern ID = Pattern.compile("[a-z0-9]{0,16}");

  public Database {
    if (!isValidName(name)) {
      throw new IllegalArgumentException(
          "a database name is 1-63 of a-z, 0-9 and '-', starting with a letter or digit: " + name);
    }
    if (!ID.matcher(id).matches() || id.isEmpty() != name.equals(DEFAULT)) {
      throw new IllegalArgumentException("bad incarnation id '" + id + "' of database " + name);
    }
  }

  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public boolean isDefault() {
    return id.isEmpty();
  }

  public boolean live() {
    return droppedAt == null;
  }

  public Database dropped(Instant at) {
    return new Database(name, id, createdAt, at);
  }

  /** The catalog key of this incarnation. */
  public String key() {
    return name + "/" + id;
  }

  /** Its topics, group and transactional id, given the deployment's (the default database's). */
  public KafkaNames kafkaNames(KafkaNames deployment) {
    return isDefault()
        ? deployment
        : new KafkaNames(deployment.database() + ".db." + name + "." + id);
  }

  /** Where its objects live, relative to the deployment's bucket and prefix. */
  public String objectPrefix() {
    return isDefault() ? "" : "db/" + name + "/" + id + "/";
  }

  /** Its view of the deployment's store. */
  public ObjectStore store(ObjectStore shared) {
    return isDefault() ? shared : new PrefixedObjectStore(shared, objectPrefix());
  }
}
