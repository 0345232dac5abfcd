package io.objectkv.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.format.BlockHandle;
import io.objectkv.format.DataBlock;
import io.objectkv.format.SstLayout;
import io.objectkv.format.SstOptions;
import io.objectkv.format.SstReader;
import io.objectkv.format.SstWriter;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BlockCacheTest {
  private static DataBlock someBlock(int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SstWriter w = new SstWriter(out, new SstOptions(1 << 20, 10, false));
    w.add("k".getBytes(), 1, new byte[size]);
    w.finish();
    byte[] sst = out.toByteArray();
    BlockHandle h = SstReader.of("x", sst).metadata().index().handle(0);
    return DataBlock.decode(
        "x", h, java.util.Arrays.copyOfRange(sst, 0, h.length()), SstLayout.FORMAT_VERSION);
  }

  @Test
  void concurrentMissesShareOneLoad() throws Exception {
    BlockCache cache = new BlockCache(1 << 20);
    DataBlock block = someBlock(100);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch inLoad = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<DataBlock> results = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread first =
        Thread.ofVirtual()
            .start(
                () ->
                    results.add(
                        cache.get(
                            "obj",
                            0,
                            () -> {
                              loads.incrementAndGet();
                              inLoad.countDown();
                              try {
                                release.await();
                              } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                              }
                              return block;
                            })));
    inLoad.await();
    for (int i = 0; i < 8; i++) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () ->
                      results.add(
                          cache.get(
                              "obj",
                              0,
                              () -> {
                                loads.incrementAndGet();
                                return block;
                              }))));
    }
    // Release the load only once every other reader is blocked waiting for it: were sharing
    // broken, each would have loaded on its own by then.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (threads.stream().anyMatch(t -> t.getState() != Thread.State.WAITING)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the readers did not wait for the load in flight");
      }
      Thread.sleep(1);
    }
    release.countDown();
    first.join();
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, loads.get(), "one load for nine concurrent readers");
    assertEquals(9, results.size());
    results.forEach(b -> assertSame(block, b));
  }

  @Test
  void staysWithinItsCapacity() {
    DataBlock block = someBlock(10_000);
    long capacity = 16 * 5 * block.memoryBytes();
    BlockCache cache = new BlockCache(capacity);
    for (int i = 0; i < 1000; i++) {
      cache.get("obj", i, () -> block);
    }
    assertTrue(cache.bytes() <= capacity, cache.bytes() + " > " + capacity);
    assertTrue(cache.bytes() > 0);
    assertEquals(0, cache.hits());
    cache.get("obj", 999, () -> block);
    assertEquals(1, cache.hits(), "the most recent block is still cached");
  }
}
