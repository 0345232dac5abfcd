package io.objectkv.s3;

import java.net.URI;
import java.time.Duration;

/**
 * Where a database's objects live in S3 and how to reach it.
 *
 * @param endpoint an S3-compatible endpoint (MinIO, S3Mock), or null for AWS itself
 * @param region the region to sign for
 * @param bucket the bucket, which must exist
 * @param prefix the key prefix of this database ("" or ending in "/")
 * @param pathStyle path-style addressing, which most S3-compatible servers need
 * @param accessKey static credentials, or null for the default AWS credential chain
 * @param secretKey with accessKey
 * @param requestTimeout the time one attempt of one request may take
 * @param maxConnections the HTTP connection pool size
 */
public record S3Config(
    URI endpoint,
    String region,
    String bucket,
    String prefix,
    boolean pathStyle,
    String accessKey,
    String secretKey,
    Duration requestTimeout,
    int maxConnections) {

  public S3Config {
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("an S3 bucket is required");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
  }

  /** An S3-compatible server with static credentials (MinIO, S3Mock). */
  public static S3Config compatible(
      URI endpoint, String bucket, String prefix, String accessKey, String secretKey) {
    return new S3Config(
        endpoint,
        "us-east-1",
        bucket,
        prefix,
        true,
        accessKey,
        secretKey,
        Duration.ofSeconds(30),
        64);
  }

  @Override
  public String toString() {
    return "S3Config[endpoint="
        + (endpoint == null ? "aws" : endpoint)
        + ", region="
        + region
        + ", bucket="
        + bucket
        + ", prefix="
        + prefix
        + ", pathStyle="
        + pathStyle
        + ", accessKey="
        + (accessKey == null ? "default chain" : "***")
        + ", requestTimeout="
        + requestTimeout
        + ", maxConnections="
        + maxConnections
        + "]";
  }
}
