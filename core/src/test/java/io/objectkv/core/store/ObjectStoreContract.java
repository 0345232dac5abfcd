package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link ObjectStore} implementation must have. Subclasses provide a fresh,
 * empty store for each test.
 */
public abstract class ObjectStoreContract {
  protected abstract ObjectStore store();

  /**
   * Whether concurrent conditional creates of one key have exactly one winner. Real S3, MinIO and
   * the local file store: yes. A test server may only check-then-write (see S3ObjectStoreIT).
   */
  protected boolean conditionalCreateIsAtomic() {
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheBytes() {
    ObjectStore s = store();
    s.put("l0/a.sst", Content.of(bytes("hello")));
    assertArrayEquals(bytes("hello"), s.get("l0/a.sst"));
    s.put("l0/a.sst", Content.of(bytes("replaced")));
    assertArrayEquals(bytes("replaced"), s.get("l0/a.sst"));
  }

  @Test
  void emptyObjectsExist() {
    ObjectStore s = store();
    s.put("empty", Content.of(new byte[0]));
    assertEquals(0, s.get("empty").length);
    assertEquals(0, s.head("empty").orElseThrow().size());
  }

  @Test
  void getOfAMissingObjectIsNotFound() {
    ObjectStore s = store();
    assertThrows(ObjectNotFoundException.class, () -> s.get("missing/key"));
    assertThrows(ObjectNotFoundException.class, () -> s.getRange("missing/key", 0, 10));
    assertTrue(s.head("missing/key").isEmpty());
  }

  @Test
  void putIfAbsentCreatesOnlyOnce() {
    ObjectStore s = store();
    assertTrue(s.putIfAbsent("manifest/1", Content.of(bytes("first"))));
    assertFalse(s.putIfAbsent("manifest/1", Content.of(bytes("second"))));
    assertArrayEquals(
        bytes("first"), s.get("manifest/1"), "a refused conditional put changes nothing");
  }

  @Test
  void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        conditionalCreateIsAtomic(), "this server's conditional create is not atomic");
    ObjectStore s = store();
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        byte[] mine = bytes("writer-" + i);
        Callable<Boolean> c = () -> s.putIfAbsent("race/key", Content.of(mine));
        results.add(pool.submit(c));
      }
      int winners = 0;
      int winner = -1;
      for (int i = 0; i < writers; i++) {
        if (results.get(i).get()) {
          winners++;
          winner = i;
        }
      }
      assertEquals(1, winners);
      assertArrayEquals(bytes("writer-" + winner), s.get("race/key"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rangedGetsReturnExactlyTheRange() {
    ObjectStore s = store();
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    s.put("l1/x.sst", Content.of(data));
    assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 10), s.getRange("l1/x.sst", 0, 10));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, 4_000, 20_000), s.getRange("l1/x.sst", 4_000, 16_000));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, 99_990, 100_000), s.getRange("l1/x.sst", 99_990, 10));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, 99_990, 100_000),
        s.getRange("l1/x.sst", 99_990, 50),
        "a range past the end is cut short");
  }

  @Test
  void headReportsTheSize() {
    ObjectStore s = store();
    s.put("a/b/c", Content.of(new byte[1234]));
    ObjectInfo info = s.head("a/b/c").orElseThrow();
    assertEquals("a/b/c", info.key());
    assertEquals(1234, info.size());
  }

  @Test
  void listReturnsThePrefixInKeyOrder() {
    ObjectStore s = store();
    for (String k :
        List.of(
            "l1/b.sst",
            "l0/00000000000000000002-x.sst",
            "l0/00000000000000000001-y.sst",
            "manifest/00000000000000000001.manifest",
            "l0x/other")) {
      s.put(k, Content.of(bytes(k)));
    }
    assertEquals(
        List.of("l0/00000000000000000001-y.sst", "l0/00000000000000000002-x.sst"),
        s.list("l0/").stream().map(ObjectInfo::key).toList());
    assertEquals(5, s.list("").size());
    assertEquals(List.of(), s.list("nothing/"));
    assertEquals(("l1/b.sst").length(), s.list("l1/").getFirst().size());
  }

  @Test
  void listSeesMoreThanOnePage() {
    ObjectStore s = store();
    for (int i = 0; i < 1_100; i++) {
      s.put(String.format("many/%05d", i), Content.of(new byte[] {1}));
    }
    List<ObjectInfo> all = s.list("many/");
    assertEquals(1_100, all.size());
    assertEquals("many/01099", all.getLast().key());
  }

  @Test
  void deleteRemovesAndIsIdempotent() {
    ObjectStore s = store();
    s.put("gone", Content.of(bytes("x")));
    s.delete("gone");
    assertTrue(s.head("gone").isEmpty());
    s.delete("gone");
    s.delete("never-existed");
  }

  @Test
  void deleteAllRemovesManyInBatchesAndSkipsAbsentOnes() {
    ObjectStore s = store();
    List<String> doomed = new ArrayList<>();
    for (int i = 0; i < ObjectStore.DELETE_ALL_MAX + 50; i++) {
      String key = "doomed/" + String.format("%05d", i);
      s.put(key, Content.of(bytes("x")));
      doomed.add(key);
    }
    s.put("doomed-not/kept", Content.of(bytes("k")));
    doomed.add("doomed/never-existed");
    s.deleteAll(doomed);
    assertEquals(List.of(), s.list("doomed/"));
    assertArrayEquals(bytes("k"), s.get("doomed-not/kept"));
    s.deleteAll(doomed); // all absent now
    s.deleteAll(List.of());
  }

  @Test
  void largeObjectsUploadFromFiles(@TempDir Path dir) throws Exception {
    ObjectStore s = store();
    byte[] data = new byte[9 << 20];
    new Random(2).nextBytes(data);
    Path file = dir.resolve("big.sst");
    Files.write(file, data);
    assertTrue(s.putIfAbsent("l1/big.sst", Content.of(file)));
    assertEquals(data.length, s.head("l1/big.sst").orElseThrow().size());
    assertArrayEquals(
        java.util.Arrays.copyOfRange(data, 5 << 20, (5 << 20) + 100),
        s.getRange("l1/big.sst", 5 << 20, 100));
    assertArrayEquals(data, s.get("l1/big.sst"));
  }
}
