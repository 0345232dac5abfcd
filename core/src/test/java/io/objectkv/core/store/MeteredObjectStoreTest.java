package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.ForwardingStore.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeteredObjectStoreTest {
  private final Metrics metrics = new Metrics();
  private final MeteredObjectStore store =
      new MeteredObjectStore(new InMemoryObjectStore(), metrics);

  @Test
  void countsEachRequestByTheTypeS3BillsItAs() {
    store.put("a", Content.of(new byte[] {1, 2, 3}));
    store.putIfAbsent("b", Content.of(new byte[] {4}));
    store.get("a");
    store.getRange("a", 1, 1);
    store.getRange("a", 0, 2);
    store.head("a");
    store.delete("a");
    store.deleteAll(List.of("a", "b"));
    store.deleteAll(List.of());

    var counts = MeteredObjectStore.requests(metrics);
    assertEquals(1, counts.get(Op.PUT));
    assertEquals(1, counts.get(Op.PUT_IF_ABSENT));
    assertEquals(1, counts.get(Op.GET));
    assertEquals(2, counts.get(Op.RANGE_GET));
    assertEquals(1, counts.get(Op.HEAD));
    assertEquals(1, counts.get(Op.DELETE));
    assertEquals(1, counts.get(Op.DELETE_ALL), "an empty deleteAll sends nothing");
    assertEquals(0, counts.get(Op.LIST));
    assertEquals(2, store.requests(Op.RANGE_GET));
  }

  @Test
  void aListingCostsOneRequestPerThousandKeys() {
    assertEquals(1, listRequests(0));
    assertEquals(1, listRequests(1000));
    assertEquals(2, listRequests(1001));
    assertEquals(3, listRequests(2500));
  }

  private long listRequests(int objects) {
    Metrics m = new Metrics();
    InMemoryObjectStore raw = new InMemoryObjectStore();
    for (int i = 0; i < objects; i++) {
      raw.put("k/" + i, Content.of(new byte[0]));
    }
    new MeteredObjectStore(raw, m).list("k/");
    return MeteredObjectStore.requests(m).get(Op.LIST);
  }
}
