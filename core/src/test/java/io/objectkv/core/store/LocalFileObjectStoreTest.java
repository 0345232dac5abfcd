package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileObjectStoreTest extends ObjectStoreContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalFileObjectStore(root, InstantSource.system());
  }

  @Test
  void keysCannotEscapeTheRoot() {
    ObjectStore s = store();
    for (String bad :
        new String[] {"../x", "/etc/passwd", "a/../../b", "a//b", "", "a/", ".tmp-1"}) {
      assertThrows(PermanentStoreException.class, () -> s.put(bad, Content.of(new byte[1])), bad);
    }
  }

  @Test
  void noTempFilesAreLeftBehind() throws Exception {
    ObjectStore s = store();
    s.put("a/b", Content.of(new byte[10]));
    s.putIfAbsent("a/c", Content.of(new byte[10]));
    s.putIfAbsent("a/c", Content.of(new byte[10]));
    try (var files = Files.list(root.resolve("a"))) {
      assertEquals(2, files.count());
    }
    try (var temps = Files.list(root.resolve(".tmp-files"))) {
      assertEquals(0, temps.count());
    }
    assertEquals(List.of("a/b", "a/c"), s.list("").stream().map(ObjectInfo::key).toList());
  }

  @Test
  void aDirectoryRemovedBehindTheStoreIsMadeAgain() throws Exception {
    ObjectStore s = store();
    s.put("d/x", Content.of(new byte[3]));
    s.delete("d/x");
    Files.delete(root.resolve("d"));
    assertTrue(s.putIfAbsent("d/y", Content.of(new byte[4])));
    s.put("d/z", Content.of(new byte[5]));
    assertEquals(List.of("d/y", "d/z"), s.list("d/").stream().map(ObjectInfo::key).toList());
  }

  @Test
  void aTempFileLeftByADeadProcessGoesWhenAStoreOpens() throws Exception {
    store();
    Path orphan = root.resolve(".tmp-files/.tmp-dead-1");
    Path fresh = root.resolve(".tmp-files/.tmp-alive-1");
    Files.write(orphan, new byte[7]);
    Files.write(fresh, new byte[7]);
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    store();
    assertFalse(Files.exists(orphan));
    assertTrue(Files.exists(fresh));
  }

  @Test
  void listingAPrefixWhoseDirectoryIsMissingIsEmpty() {
    ObjectStore s = store();
    s.put("l0/a", Content.of(new byte[1]));
    assertEquals(List.of(), s.list("l1/"));
    assertEquals(List.of(), s.list("l0/b/"));
    assertEquals(List.of("l0/a"), s.list("l0/a").stream().map(ObjectInfo::key).toList());
    assertEquals(List.of("l0/a"), s.list("l").stream().map(ObjectInfo::key).toList());
  }
}
