package io.objectkv.bench;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.s3.S3Config;
import io.objectkv.s3.S3ObjectStore;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.testkit.TestServers;
import io.objectkv.testkit.chaos.S3FaultProxy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * S3Mock behind {@link S3FaultProxy}, which holds each request for a lognormal time of a given
 * median (sigma 0.5, as {@code WriteLoad --s3-latency}): a store with S3's latency, on loopback.
 */
final class SlowS3 implements AutoCloseable {
  static final String BUCKET = "objectkv";
  private static final String KEY = "bench";

  private final ServerProcess s3mock;
  private final S3FaultProxy proxy;

  private SlowS3(ServerProcess s3mock, S3FaultProxy proxy) {
    this.s3mock = s3mock;
    this.proxy = proxy;
  }

  /** Starts S3Mock (its objects and log in {@code dir}) and the proxy; 0 ms adds no latency. */
  static SlowS3 start(Path dir, int medianMillis) {
    int port = ServerProcess.freePort();
    ServerProcess s3mock =
        TestServers.s3mock(dir.resolve("s3mock"), port, BUCKET, dir.resolve("s3mock.log"));
    try {
      S3FaultProxy proxy = new S3FaultProxy(URI.create("http://127.0.0.1:" + port), 1);
      proxy.set(new S3FaultProxy.Faults(medianMillis, 0.5, 0, 0));
      return new SlowS3(s3mock, proxy);
    } catch (RuntimeException e) {
      s3mock.close();
      throw e;
    }
  }

  /** The options that point {@code ./objectkv local} at it. */
  List<String> localClusterOptions() {
    return List.of(
        "--s3-endpoint",
        proxy.endpoint().toString(),
        "--s3-bucket",
        BUCKET,
        "--s3-access-key",
        KEY,
        "--s3-secret-key",
        KEY);
  }

  /** A store of its bucket under {@code prefix}, through the proxy. */
  ObjectStore store(String prefix) {
    return new S3ObjectStore(S3Config.compatible(proxy.endpoint(), BUCKET, prefix, KEY, KEY));
  }

  @Override
  public void close() {
    proxy.close();
    s3mock.close();
  }
}
