package io.objectkv.testkit;

import java.net.URI;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;

/** Testcontainers Kafka (apache/kafka, KRaft) and MinIO, for machines with a Docker engine. */
final class DockerBackend {
  private DockerBackend() {}

  static final String KAFKA_IMAGE = "apache/kafka:4.1.1";
  static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

  static TestCluster start(long start) {
    if (!dockerAvailable()) {
      TestCluster.skip(
          "objectkv.testcluster=docker, but no Docker engine is reachable here: skipping");
    }
    KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
    MinIOContainer minio = new MinIOContainer(MINIO_IMAGE);
    kafka.start();
    minio.start();
    URI endpoint = URI.create(minio.getS3URL());
    TestCluster.createBucket(
        endpoint, minio.getUserName(), minio.getPassword(), TestCluster.BUCKET);
    return TestCluster.of(
        kafka.getBootstrapServers(),
        endpoint,
        minio.getUserName(),
        minio.getPassword(),
        List.of(kafka::stop, minio::stop),
        start);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
