package io.objectkv.compactor.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.store.Content;
import io.objectkv.core.store.InMemoryObjectStore;
import io.objectkv.format.Entry;
import io.objectkv.format.SstMetadata;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader behind a compaction's front-to-back scan of one input. */
class SequentialBlockLoaderTest {
  @TempDir Path temp;

  /**
   * A finished input holds no window: a compaction into L1 keeps all of its L1 inputs open to its
   * end, so what each one holds after its scan adds up.
   */
  @Test
  void anInputScannedToItsEndHoldsNoBlocks() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, new SstOptions(512, 10, true));
    int count = 2_000;
    for (int i = 0; i < count; i++) {
      byte[] k = String.format("k%05d", i).getBytes();
      w.add(new Entry(k, i + 1, new byte[64]));
    }
    w.finish();
    byte[] object = out.toByteArray();
    InMemoryObjectStore store = new InMemoryObjectStore();
    store.put("l1/a", Content.of(object));
    SstMetadata meta = SstReader.of("l1/a", object).metadata();
    assertTrue(meta.index().blockCount() > 100, "many blocks: " + meta.index().blockCount());

    ExecutorService prefetch = Executors.newSingleThreadExecutor();
    try {
      InputBytes input =
          new InputBytes(store, "l1/a", new KeptOutputs(temp.resolve("kept"), 0), new AtomicLong());
      // Windows of about a tenth of the object: most blocks of each are held until the scan
      // reaches them.
      SequentialBlockLoader loader =
          new SequentialBlockLoader(input, meta, object.length / 10, prefetch);
      Iterator<Entry> scan = new SstReader(meta, loader).scan(null, null, false);
      int seen = 0;
      int mostHeld = 0;
      while (scan.hasNext()) {
        scan.next();
        seen++;
        mostHeld = Math.max(mostHeld, loader.blocksHeld());
      }
      assertEquals(count, seen);
      assertTrue(mostHeld > 1, "a window holds the blocks ahead of the scan: " + mostHeld);
      assertEquals(0, loader.blocksHeld(), "the finished input let go of its last window");
    } finally {
      prefetch.shutdownNow();
    }
  }
}
