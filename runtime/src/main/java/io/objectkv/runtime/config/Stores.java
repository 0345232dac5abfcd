package io.objectkv.runtime.config;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.DeferredObjectStore;
import io.objectkv.core.store.LocalFileObjectStore;
import io.objectkv.core.store.MeteredObjectStore;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.RetryPolicy;
import io.objectkv.core.store.RetryingObjectStore;
import io.objectkv.s3.S3Config;
import io.objectkv.s3.S3ObjectStore;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;

/** Builds the object store a process uses: S3 or the file system, metered, with retries. */
public final class Stores {
  private Stores() {}

  /**
   * The store with retries around metering, so that every attempt is counted: S3 bills attempts.
   * Request counts are the {@code objectkv_store_requests_total} series of {@code metrics}.
   */
  public static ObjectStore open(Settings s, Metrics metrics) {
    ObjectStore raw =
        isS3(s)
            ? new S3ObjectStore(s3Config(s))
            : new LocalFileObjectStore(
                Path.of(s.get(CommonSettings.DATA_DIR)), InstantSource.system());
    return new RetryingObjectStore(
        new MeteredObjectStore(raw, metrics),
        RetryPolicy.DEFAULT,
        new SecureRandom(),
        RetryPolicy.Sleeper.REAL);
  }

  /**
   * As {@link #open(Settings, Metrics)}, built in the background: the process goes on starting
   * while the S3 client initialises (about a second), and its first requests wait for it.
   */
  public static ObjectStore openInBackground(Settings s, Metrics metrics) {
    isS3(s); // a bad setting stops the process here, not in the background
    return new DeferredObjectStore(() -> open(s, metrics));
  }

  private static boolean isS3(Settings s) {
    return switch (s.get(CommonSettings.STORE)) {
      case "file" -> false;
      case "s3" -> true;
      default ->
          throw new Settings.ConfigException(
              "OBJECTKV_STORE must be s3 or file, not '" + s.get(CommonSettings.STORE) + "'");
    };
  }

  public static S3Config s3Config(Settings s) {
    String endpoint = s.get(CommonSettings.S3_ENDPOINT);
    String accessKey = s.get(CommonSettings.S3_ACCESS_KEY);
    return new S3Config(
        endpoint.isBlank() ? null : URI.create(endpoint),
        s.get(CommonSettings.S3_REGION),
        s.get(CommonSettings.S3_BUCKET),
        s.get(CommonSettings.S3_PREFIX),
        s.boolValue(CommonSettings.S3_PATH_STYLE),
        accessKey.isBlank() ? null : accessKey,
        accessKey.isBlank() ? null : s.get(CommonSettings.S3_SECRET_KEY),
        Duration.ofSeconds(30),
        128);
  }
}
