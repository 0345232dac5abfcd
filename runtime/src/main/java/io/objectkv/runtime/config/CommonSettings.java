package io.objectkv.runtime.config;

import io.objectkv.format.SstOptions;
import java.util.List;

/** Settings every process has: which database, where Kafka is, where the objects are. */
public final class CommonSettings {
  private CommonSettings() {}

  public static final Setting DATABASE =
      Setting.of(
          "OBJECTKV_DATABASE",
          "objectkv",
          "database name: prefixes its Kafka topics, group and transactional id");
  public static final Setting KAFKA_BOOTSTRAP =
      Setting.of("OBJECTKV_KAFKA_BOOTSTRAP", "127.0.0.1:9092", "Kafka bootstrap servers");
  public static final Setting STORE =
      Setting.of("OBJECTKV_STORE", "s3", "object store: s3, or file (single machine)");
  public static final Setting DATA_DIR =
      Setting.of(
          "OBJECTKV_DATA_DIR",
          "./data/objects",
          "with OBJECTKV_STORE=file: the directory of the objects");
  public static final Setting S3_ENDPOINT =
      Setting.of(
          "OBJECTKV_S3_ENDPOINT", "", "S3-compatible endpoint URL (MinIO, ...); empty for AWS");
  public static final Setting S3_REGION =
      Setting.of("OBJECTKV_S3_REGION", "us-east-1", "S3 region");
  public static final Setting S3_BUCKET =
      Setting.of("OBJECTKV_S3_BUCKET", "objectkv", "S3 bucket (must exist)");
  public static final Setting S3_PREFIX =
      Setting.of("OBJECTKV_S3_PREFIX", "", "key prefix of this database in the bucket");
  public static final Setting S3_PATH_STYLE =
      Setting.of(
          "OBJECTKV_S3_PATH_STYLE",
          "true",
          "path-style addressing (S3-compatible servers need it)");
  public static final Setting S3_ACCESS_KEY =
      Setting.secret(
          "OBJECTKV_S3_ACCESS_KEY", "S3 access key; empty: the default AWS credential chain");
  public static final Setting S3_SECRET_KEY =
      Setting.secret("OBJECTKV_S3_SECRET_KEY", "S3 secret key");

  public static final Setting KAFKA_REPLICATION =
      Setting.of(
          "OBJECTKV_KAFKA_REPLICATION",
          "-1",
          "replication factor of topics this process creates; -1: the broker default");
  public static final Setting HTTP_HOST =
      Setting.of(
          "OBJECTKV_HTTP_HOST",
          "127.0.0.1",
          "address the HTTP server binds (0.0.0.0 in containers)");

  public static final Setting ADVERTISED_HOST =
      Setting.of(
          "OBJECTKV_ADVERTISED_HOST",
          "",
          "host name or address other processes reach this one at; empty: OBJECTKV_HTTP_HOST, or"
              + " this host's address when that is a wildcard");

  public static final Setting AUTH_FILE =
      Setting.of(
          "OBJECTKV_AUTH_FILE",
          "",
          "file of accepted bearer tokens (hashes only; see objectkv token); empty: no authentication");
  public static final Setting METRICS_OPEN =
      Setting.of(
          "OBJECTKV_METRICS_OPEN",
          "false",
          "with authentication on, serve /metrics without a token (for a scraper on a private network)");
  public static final Setting TLS_CERT =
      Setting.of(
          "OBJECTKV_TLS_CERT",
          "",
          "PEM certificate chain: serve HTTPS instead of HTTP (with OBJECTKV_TLS_KEY)");
  public static final Setting TLS_KEY =
      Setting.of("OBJECTKV_TLS_KEY", "", "PEM PKCS#8 private key of OBJECTKV_TLS_CERT");
  public static final Setting TLS_CA =
      Setting.of(
          "OBJECTKV_TLS_CA",
          "",
          "PEM certificates to trust when calling other processes over HTTPS (default: OBJECTKV_TLS_CERT)");

  public static final Setting KAFKA_CLIENT_PROPERTIES =
      Setting.of(
          "OBJECTKV_KAFKA_CLIENT_PROPERTIES",
          "",
          "a Java properties file of Kafka client settings for every client of the process (TLS, SASL:"
              + " security.protocol, ssl.*, sasl.*); ObjectKV's own settings win");

  public static final List<Setting> ALL =
      List.of(
          DATABASE,
          KAFKA_BOOTSTRAP,
          KAFKA_REPLICATION,
          KAFKA_CLIENT_PROPERTIES,
          STORE,
          DATA_DIR,
          S3_ENDPOINT,
          S3_REGION,
          S3_BUCKET,
          S3_PREFIX,
          S3_PATH_STYLE,
          S3_ACCESS_KEY,
          S3_SECRET_KEY,
          HTTP_HOST,
          ADVERTISED_HOST,
          AUTH_FILE,
          METRICS_OPEN,
          TLS_CERT,
          TLS_KEY,
          TLS_CA);

  /**
   * For the writer and the compactor, not in {@link #ALL}: the writer refuses a compaction
   * committed later than this after its start, and garbage collection counts on it, so both read
   * this one.
   */
  public static final Setting COMPACTION_MAX_AGE =
      Setting.of(
          "OBJECTKV_COMPACTION_MAX_AGE",
          Setting.text(io.objectkv.core.log.LogCommand.CompactionCommit.DEFAULT_MAX_AGE),
          "a compaction committed later than this after its start is refused by the writer (its"
              + " outputs become garbage), and only then are its unfinished outputs deleted; writers"
              + " and compactors must agree");

  /** For the processes that write SSTs (writer and compactor), not in {@link #ALL}. */
  public static final Setting SST_BLOCK_BYTES =
      Setting.of("OBJECTKV_SST_BLOCK_BYTES", "16384", "target data block size of new SSTs");

  /** How this process writes SSTs: {@link #SST_BLOCK_BYTES}, 10 bloom bits per key, compressed. */
  public static SstOptions sstOptions(Settings s) {
    return new SstOptions(s.intValue(SST_BLOCK_BYTES), 10, true);
  }

  /** The replication factor for topics this process creates; empty for the broker's default. */
  public static java.util.Optional<Short> replication(Settings s) {
    int rf = s.intValue(KAFKA_REPLICATION);
    return rf <= 0 ? java.util.Optional.empty() : java.util.Optional.of((short) rf);
  }

  /** The common settings followed by a process's own. */
  public static List<Setting> with(List<Setting> own) {
    return java.util.stream.Stream.concat(ALL.stream(), own.stream()).toList();
  }
}
