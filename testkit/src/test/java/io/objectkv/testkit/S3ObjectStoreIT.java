package io.objectkv.testkit;

import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.ObjectStoreContract;
import io.objectkv.core.store.PermanentStoreException;
import io.objectkv.s3.S3Config;
import io.objectkv.s3.S3ObjectStore;
import org.junit.jupiter.api.Test;

/**
 * The S3 store passes the shared contract against a real S3 server; in particular the server
 * honours {@code If-None-Match: *} (put-if-absent), which writer fencing and snapshot commits rely
 * on.
 */
class S3ObjectStoreIT extends ObjectStoreContract {
  @Override
  protected ObjectStore store() {
    TestCluster cluster = TestCluster.get();
    return cluster.rawObjectStore(cluster.uniqueName("s3-contract") + "/");
  }

  @Test
  void aMissingBucketIsAPermanentErrorThatSaysWhatToDo() {
    TestCluster cluster = TestCluster.get();
    S3Config c = S3Config.compatible(cluster.s3Endpoint(), "no-such-bucket", "", "test", "test");
    try (S3ObjectStore store = new S3ObjectStore(c)) {
      PermanentStoreException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              PermanentStoreException.class, () -> store.get("x"));
      org.junit.jupiter.api.Assertions.assertTrue(
          e.getMessage().contains("does not exist"), e.getMessage());
    }
  }
}
