package io.objectkv.compactor.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.manifest.ManifestEdit.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeptOutputsTest {
  @TempDir Path temp;

  private Path file(String name, int size) throws Exception {
    return Files.write(temp.resolve(name), new byte[size]);
  }

  @Test
  void overTheBudgetTheOldestL1CopiesGoFirstThenTheOldestL0Ones() throws Exception {
    KeptOutputs kept = new KeptOutputs(temp.resolve("kept"), 300);
    kept.keep("l0/t1-a-0.sst", file("a", 100), Level.L0);
    kept.keep("l1/t1-a-0.sst", file("b", 100), Level.L1);
    kept.keep("l0/t2-b-0.sst", file("c", 100), Level.L0);
    assertEquals(300, kept.bytes());
    kept.keep("l1/t3-c-0.sst", file("d", 100), Level.L1);
    assertFalse(kept.holds("l1/t1-a-0.sst"), "the oldest L1 copy went");
    assertTrue(kept.holds("l0/t1-a-0.sst"), "before any L0 copy");
    kept.keep("l0/t4-d-0.sst", file("e", 200), Level.L0);
    assertFalse(kept.holds("l1/t3-c-0.sst"));
    assertFalse(kept.holds("l0/t1-a-0.sst"), "then the oldest L0 copy");
    assertTrue(kept.holds("l0/t2-b-0.sst"));
    assertTrue(kept.holds("l0/t4-d-0.sst"));
    assertEquals(300, kept.bytes());
    try (var files = Files.list(temp.resolve("kept"))) {
      assertEquals(2, files.count(), "evicted copies are deleted from disk");
    }
  }

  @Test
  void aCopyFromItsDeltaIsKeptInMemoryWithinItsBound() throws Exception {
    KeptOutputs kept = new KeptOutputs(temp.resolve("kept"), 150);
    byte[] object = {1, 2, 3, 4};
    kept.keepCopy("l0/w1-0001.sst", object);
    assertArrayEquals(object, kept.read("l0/w1-0001.sst", 0, Integer.MAX_VALUE).orElseThrow());
    assertArrayEquals(new byte[] {2, 3}, kept.read("l0/w1-0001.sst", 1, 2).orElseThrow());
    assertArrayEquals(
        new byte[] {4}, kept.read("l0/w1-0001.sst", 3, 9).orElseThrow(), "to its end");
    assertEquals(7, kept.bytesServed());
    assertEquals(4, kept.bytes());
    kept.keep("l1/t1-a-0.sst", file("a", 150), Level.L1);
    assertTrue(kept.holds("l1/t1-a-0.sst"), "copies in memory take nothing of the disk budget");
    try (var files = Files.list(temp.resolve("kept"))) {
      assertEquals(1, files.count(), "no file for the copy");
    }
    byte[] big = new byte[(int) KeptOutputs.COPY_MEMORY_BYTES];
    kept.keepCopy("l0/w1-0002.sst", big);
    assertFalse(kept.holds("l0/w1-0002.sst"), "past the memory bound: not kept");
    kept.forget(List.of("l0/w1-0001.sst"));
    kept.keepCopy("l0/w1-0002.sst", big);
    assertTrue(kept.holds("l0/w1-0002.sst"), "within it once the first went");
    kept.forgetCopies();
    assertFalse(kept.holds("l0/w1-0002.sst"));
    assertEquals(150, kept.bytes());
    assertTrue(kept.holds("l1/t1-a-0.sst"), "outputs on disk stay");
  }

  @Test
  void forgottenCopiesAreDeletedAndTooLargeOrUnbudgetedOnesAreNotKept() throws Exception {
    KeptOutputs kept = new KeptOutputs(temp.resolve("kept"), 150);
    Path big = file("big", 151);
    kept.keep("l1/t1-a-0.sst", big, Level.L1);
    assertFalse(Files.exists(big), "the temp file is deleted all the same");
    assertEquals(0, kept.count());
    kept.keep("l0/t1-a-0.sst", file("a", 100), Level.L0);
    assertTrue(kept.holds("l0/t1-a-0.sst"));
    kept.forget(List.of("l0/t1-a-0.sst", "l0/never-kept"));
    try (var files = Files.list(temp.resolve("kept"))) {
      assertEquals(0, files.count(), "its file deleted");
    }
    assertEquals(0, kept.bytes());

    KeptOutputs none = new KeptOutputs(temp.resolve("none"), 0);
    none.keep("l0/t1-b-0.sst", file("b", 1), Level.L0);
    assertEquals(0, none.count());
  }

  @Test
  void whatAnEarlierProcessLeftIsDeletedAtStart() throws Exception {
    Path dir = Files.createDirectories(temp.resolve("kept"));
    Files.write(dir.resolve("l0_t1-a-0.sst"), new byte[10]); // perhaps cut short by a crash
    KeptOutputs kept = new KeptOutputs(dir, 1000);
    assertFalse(kept.holds("l0/t1-a-0.sst"));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count());
    }
  }
}
