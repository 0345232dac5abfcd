package io.objectkv.writer.commit;

import io.objectkv.core.manifest.ObjectNames;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.ObjectNotFoundException;
import io.objectkv.core.store.ObjectStore;
import io.objectkv.core.store.OutcomeUnknownException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Uploads a group's L0 object under a fresh name with put-if-absent. The name carries the writer's
 * epoch and a random id, so no other writer uses it: when the outcome is unknown, reading the
 * object back tells whether it is ours.
 */
public final class L0Uploader {
  private final ObjectStore store;
  private final RandomGenerator random;

  public L0Uploader(ObjectStore store, RandomGenerator random) {
    this.store = store;
    this.random = random;
  }

  /** A name no writer has used: {@code l0/<maxVersion>-<epoch>-<random>.sst}. */
  public String newKey(long maxVersion, long epoch) {
    return ObjectNames.l0(
        maxVersion, Long.toHexString(epoch) + "-" + HexFormat.of().toHexDigits(random.nextLong()));
  }

  /**
   * @return true if stored; false if the name was taken (pick another and build again)
   */
  public boolean upload(String key, byte[] bytes) {
    try {
      return store.putIfAbsent(key, Content.of(bytes));
    } catch (OutcomeUnknownException e) {
      try {
        return Arrays.equals(store.get(key), bytes);
      } catch (ObjectNotFoundException notThere) {
        return store.putIfAbsent(key, Content.of(bytes));
      }
    }
  }
}
