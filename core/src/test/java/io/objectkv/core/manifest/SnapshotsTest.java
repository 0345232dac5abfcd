package io.objectkv.core.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.codec.ManifestCodec;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.core.store.MeteredObjectStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotsTest {
  private static ManifestSnapshot at(long id) {
    return new ManifestSnapshot(new Manifest(id, 1, id, id, List.of(), List.of()), id, List.of());
  }

  @Test
  void theNewestIsFoundByItsPointerWithoutAListAndByListingWithoutIt() {
    MeteredObjectStore store = new MeteredObjectStore(new InMemoryObjectStore(), new Metrics());
    Snapshots.commit(store, at(5));
    Snapshots.commit(store, at(9));
    long lists = store.requests(MeteredObjectStore.Op.LIST);
    assertEquals(9, Snapshots.newest(store, ManifestCodec.Ledger.SKIP).manifest().id());
    assertEquals(lists, store.requests(MeteredObjectStore.Op.LIST), "no LIST with a pointer");

    store.put(ObjectNames.LATEST_SNAPSHOT, Content.of("garbage".getBytes()));
    assertEquals(9, Snapshots.newest(store, ManifestCodec.Ledger.SKIP).manifest().id());
    store.delete(ObjectNames.LATEST_SNAPSHOT);
    assertEquals(9, Snapshots.newest(store, ManifestCodec.Ledger.SKIP).manifest().id());
    store.put(ObjectNames.LATEST_SNAPSHOT, Content.of("5".getBytes()));
    assertEquals(
        5,
        Snapshots.newest(store, ManifestCodec.Ledger.SKIP).manifest().id(),
        "a pointer that lags (an older writer wrote it) is still a valid start: the log replays");
  }
}
