package io.objectkv.core.store;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileObjectStoreTest extends ObjectStoreContract {
  @TempDir Path root;

  @Override
  protected ObjectStore store() {
    return new LocalFileObjectStore(root);
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
      org.junit.jupiter.api.Assertions.assertEquals(2, files.count());
    }
  }
}
