package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A database's view of a shared store honours the store contract, and keeps databases apart: what
 * one writes, lists and deletes is under its prefix only.
 */
class PrefixedObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore store() {
    return new PrefixedObjectStore(new InMemoryObjectStore(), "db/a/1/");
  }

  private static Content bytes(String s) {
    return Content.of(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void databasesSharingAStoreDoNotSeeEachOther() {
    InMemoryObjectStore shared = new InMemoryObjectStore();
    ObjectStore a = new PrefixedObjectStore(shared, "db/a/1/");
    ObjectStore b = new PrefixedObjectStore(shared, "db/b/2/");
    a.put("l0/x.sst", bytes("a"));
    b.put("l0/x.sst", bytes("b"));
    shared.put("l0/y.sst", bytes("default"));

    assertEquals("a", new String(a.get("l0/x.sst"), StandardCharsets.UTF_8));
    assertEquals("b", new String(b.get("l0/x.sst"), StandardCharsets.UTF_8));
    assertEquals(List.of("l0/x.sst"), a.list("l0/").stream().map(ObjectInfo::key).toList());
    assertEquals(
        List.of("db/a/1/l0/x.sst", "db/b/2/l0/x.sst", "l0/y.sst"),
        shared.list("").stream().map(ObjectInfo::key).toList());
    assertEquals("l0/x.sst", a.head("l0/x.sst").orElseThrow().key());

    a.deleteAll(List.of("l0/x.sst"));
    assertThrows(ObjectNotFoundException.class, () -> a.get("l0/x.sst"));
    assertEquals("b", new String(b.get("l0/x.sst"), StandardCharsets.UTF_8));
    a.close(); // leaves the shared store open
    assertTrue(shared.head("l0/y.sst").isPresent());
  }

  @Test
  void aPrefixMustEndWithASlash() {
    InMemoryObjectStore shared = new InMemoryObjectStore();
    assertThrows(IllegalArgumentException.class, () -> new PrefixedObjectStore(shared, "db/a"));
    assertThrows(IllegalArgumentException.class, () -> new PrefixedObjectStore(shared, ""));
  }
}
