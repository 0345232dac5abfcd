package io.objectkv.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates a database's topics if they do not exist; every process may call it at start. */
public final class TopicSetup {
  private TopicSetup() {}

  /** Largest write-log record: a 4 MiB batch plus its framing. */
  public static final int MAX_WRITE_RECORD_BYTES = 8 << 20;

  private static final String LOG_APPEND_TIME = "LogAppendTime";

  /**
   * The write log's timestamps are the broker's append times: the writer decides deadlines, request
   * retention and compaction age in that one clock (topics made before this rule are switched).
   */
  private static void stampWithAppendTime(Admin admin, String topic)
      throws InterruptedException, ExecutionException {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    ConfigEntry type = config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
    if (type == null || !LOG_APPEND_TIME.equals(type.value())) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  resource,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry(
                              TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get();
    }
  }

  /** The same, through an admin client of its own. */
  public static void ensureTopics(
      String bootstrap, KafkaNames names, Optional<Short> replicationFactor) {
    try (Admin admin = KafkaClients.admin(bootstrap)) {
      ensureTopics(admin, names, replicationFactor);
    }
  }

  /**
   * The topics of the deployment: its default database's, the process directory, the catalog of
   * databases and the wake log.
   */
  public static void ensureTopics(
      Admin admin, KafkaNames names, Optional<Short> replicationFactor) {
    List<NewTopic> wanted = databaseTopics(names, replicationFactor);
    // Announcements and wakes matter for seconds: minutes of them are kept, in short segments.
    for (String topic : List.of(names.processes(), names.wake())) {
      wanted.add(
          new NewTopic(topic, Optional.of(1), replicationFactor)
              .configs(
                  Map.of(
                      TopicConfig.RETENTION_MS_CONFIG, Long.toString(10L * 60 * 1000),
                      TopicConfig.SEGMENT_MS_CONFIG, Long.toString(60L * 1000))));
    }
    // One record per database incarnation, kept for ever (compacted).
    wanted.add(
        new NewTopic(names.catalog(), Optional.of(1), replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.RETENTION_MS_CONFIG,
                    "-1")));
    create(admin, names, wanted);
  }

  /** The topics of one database that is not the default one. */
  public static void ensureDatabaseTopics(
      Admin admin, KafkaNames names, Optional<Short> replicationFactor) {
    create(admin, names, databaseTopics(names, replicationFactor));
  }

  private static List<NewTopic> databaseTopics(
      KafkaNames names, Optional<Short> replicationFactor) {
    List<NewTopic> wanted = new ArrayList<>();
    // One partition each: the write log is a single total order, the manifest log a single history.
    wanted.add(
        new NewTopic(names.writes(), Optional.of(1), replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_WRITE_RECORD_BYTES),
                    // Applied batches live on in S3; the log only needs to outlast writer failover.
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(7L * 24 * 3600 * 1000),
                    TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, LOG_APPEND_TIME)));
    wanted.add(
        new NewTopic(names.manifest(), Optional.of(1), replicationFactor)
            .configs(
                Map.of(
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_WRITE_RECORD_BYTES),
                    // Followers start from a snapshot; the writer trims what snapshots cover.
                    TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.RETENTION_BYTES_CONFIG, "-1")));
    return wanted;
  }

  private static void create(Admin admin, KafkaNames names, List<NewTopic> wanted) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      // A topic made here already has the rule; only an older one may need switching. (Describing a
      // topic just created can also fail: the broker's metadata may not know it yet.)
      if (existing.contains(names.writes())) {
        stampWithAppendTime(admin, names.writes());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot create the topics of database " + names.database() + ": " + e.getCause(),
          e.getCause());
    }
  }
}
