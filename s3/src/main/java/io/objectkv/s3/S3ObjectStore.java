package io.objectkv.s3;

import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectInfo;
import io.objectkv.core.store.ObjectNotFoundException;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.PermanentStoreException;
import io.objectkv.core.store.StoreException;
import io.objectkv.core.store.TransientStoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The object store on S3 or an S3-compatible server. Retries are not done here: the SDK's are
 * switched off and {@code RetryingObjectStore} wraps this class, so there is one retry policy.
 */
public final class S3ObjectStore implements ObjectStore {
  private final S3Client client;
  private final S3Config config;

  public S3ObjectStore(S3Config config) {
    this.config = config;
    AwsCredentialsProvider credentials =
        config.accessKey() == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    var builder =
        S3Client.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .forcePathStyle(config.pathStyle())
            // Our blocks carry CRC32C already; S3's extra checksums would cost CPU on every
            // request.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(config.maxConnections())
                    .connectionTimeout(java.time.Duration.ofSeconds(5))
                    // Servers close idle keep-alive connections (S3 after about 20 s): let ours go
                    // first, or a request on a connection the server already closed is lost.
                    .connectionMaxIdleTime(java.time.Duration.ofSeconds(8))
                    .socketTimeout(config.requestTimeout()))
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(config.requestTimeout()));
    if (config.endpoint() != null) {
      builder.endpointOverride(config.endpoint());
    }
    this.client = builder.build();
  }

  private String s3Key(String key) {
    return config.prefix() + key;
  }

  private <T> T call(String op, String key, Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw map(op, key, e);
    }
  }

  private StoreException map(String op, String key, SdkException e) {
    String where = op + " s3://" + config.bucket() + "/" + s3Key(key);
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code = s3.awsErrorDetails() == null ? "" : s3.awsErrorDetails().errorCode();
      if (status == 404 && "NoSuchBucket".equals(code)) {
        return new PermanentStoreException(
            where + ": bucket " + config.bucket() + " does not exist; create it first", e);
      }
      if (status == 404) {
        return new ObjectNotFoundException(key);
      }
      if (status == 409 || status == 429 || status >= 500) {
        return new TransientStoreException(where + ": HTTP " + status + " " + code, e);
      }
      if (status == 403) {
        return new PermanentStoreException(
            where + ": access denied (HTTP 403 " + code + "); check the credentials", e);
      }
      return new PermanentStoreException(
          where + ": HTTP " + status + " " + code + ": " + s3.getMessage(), e);
    }
    if (e instanceof SdkClientException) {
      return new TransientStoreException(where + ": " + e.getMessage(), e);
    }
    return new TransientStoreException(where + ": " + e, e);
  }

  private static RequestBody body(Content content) {
    return switch (content) {
      case Content.Bytes b -> RequestBody.fromBytes(b.bytes());
      case Content.File f -> RequestBody.fromFile(f.path());
    };
  }

  @Override
  public void put(String key, Content content) {
    call(
        "PUT",
        key,
        () ->
            client.putObject(
                PutObjectRequest.builder().bucket(config.bucket()).key(s3Key(key)).build(),
                body(content)));
  }

  @Override
  public boolean putIfAbsent(String key, Content content) {
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(config.bucket())
              .key(s3Key(key))
              .ifNoneMatch("*")
              .build(),
          body(content));
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return false;
      }
      throw map("PUT If-None-Match", key, e);
    } catch (SdkException e) {
      throw map("PUT If-None-Match", key, e);
    }
  }

  /**
   * A body read into an array of exactly its length. The SDK's byte transformer grows a buffer by
   * doubling and then copies it, about three times a large range at its peak: a compaction reading
   * 32 MiB windows ran out of heap on that. Stateless, so the SDK may retry it.
   */
  private static final ResponseTransformer<GetObjectResponse, byte[]> EXACT_BYTES =
      (response, in) -> {
        Long length = response.contentLength();
        if (length == null) {
          return in.readAllBytes();
        }
        byte[] body = new byte[Math.toIntExact(length)];
        int read = in.readNBytes(body, 0, body.length);
        if (read != body.length || in.read() != -1) {
          throw new IOException(
              "the body did not hold its Content-Length of " + body.length + " bytes");
        }
        return body;
      };

  @Override
  public byte[] get(String key) {
    return call(
        "GET",
        key,
        () -> client.getObject(b -> b.bucket(config.bucket()).key(s3Key(key)), EXACT_BYTES));
  }

  @Override
  public byte[] getRange(String key, long offset, int length) {
    if (length == 0) {
      return new byte[0];
    }
    String range = "bytes=" + offset + "-" + (offset + length - 1);
    try {
      return client.getObject(
          b -> b.bucket(config.bucket()).key(s3Key(key)).range(range), EXACT_BYTES);
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        return new byte[0]; // the range starts at or past the end
      }
      throw map("GET " + range, key, e);
    } catch (SdkException e) {
      throw map("GET " + range, key, e);
    }
  }

  @Override
  public Optional<ObjectInfo> head(String key) {
    try {
      HeadObjectResponse r = client.headObject(b -> b.bucket(config.bucket()).key(s3Key(key)));
      return Optional.of(new ObjectInfo(key, r.contentLength(), r.lastModified()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404
          && !(e.awsErrorDetails() != null
              && "NoSuchBucket".equals(e.awsErrorDetails().errorCode()))) {
        return Optional.empty();
      }
      throw map("HEAD", key, e);
    } catch (SdkException e) {
      throw map("HEAD", key, e);
    }
  }

  @Override
  public List<ObjectInfo> list(String prefix) {
    return call(
        "LIST",
        prefix,
        () -> {
          List<ObjectInfo> out = new ArrayList<>();
          ListObjectsV2Request request =
              ListObjectsV2Request.builder().bucket(config.bucket()).prefix(s3Key(prefix)).build();
          for (S3Object o : client.listObjectsV2Paginator(request).contents()) {
            out.add(
                new ObjectInfo(
                    o.key().substring(config.prefix().length()), o.size(), o.lastModified()));
          }
          return out;
        });
  }

  @Override
  public void delete(String key) {
    call("DELETE", key, () -> client.deleteObject(b -> b.bucket(config.bucket()).key(s3Key(key))));
  }

  @Override
  public void deleteAll(List<String> keys) {
    for (int from = 0; from < keys.size(); from += DELETE_ALL_MAX) {
      List<ObjectIdentifier> batch =
          keys.subList(from, Math.min(keys.size(), from + DELETE_ALL_MAX)).stream()
              .map(k -> ObjectIdentifier.builder().key(s3Key(k)).build())
              .toList();
      DeleteObjectsResponse r =
          call(
              "DELETE (many)",
              keys.get(from),
              () ->
                  client.deleteObjects(
                      b -> b.bucket(config.bucket()).delete(d -> d.objects(batch).quiet(true))));
      // Quiet mode lists only the keys it failed to delete; a key already gone is not a failure.
      List<S3Error> failed =
          r.errors().stream().filter(e -> !"NoSuchKey".equals(e.code())).toList();
      if (!failed.isEmpty()) {
        S3Error first = failed.getFirst();
        throw new TransientStoreException(
            "DELETE (many) s3://"
                + config.bucket()
                + ": "
                + failed.size()
                + " of "
                + batch.size()
                + " objects not deleted, e.g. "
                + first.key()
                + ": "
                + first.code()
                + " "
                + first.message(),
            null);
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "s3://" + config.bucket() + "/" + config.prefix();
  }
}
