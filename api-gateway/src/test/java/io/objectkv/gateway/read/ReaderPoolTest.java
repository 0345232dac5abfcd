package io.objectkv.gateway.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReaderPoolTest {
  private static final URI A = URI.create("http://10.0.0.1:8081/");
  private static final URI B = URI.create("http://10.0.0.2:8081/");
  private static final URI C = URI.create("http://10.0.0.3:8081/");

  private static byte[] key(int i) {
    return ("user:" + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void eachKeyHasOneHomeAndKeysSpreadEvenly() {
    ReaderPool pool = new ReaderPool(List.of(A, B, C), Duration.ofMinutes(1));
    Map<URI, Integer> homes = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      List<URI> order = pool.forKey(key(i));
      assertEquals(Set.of(A, B, C), new HashSet<>(order), "every replica, once");
      assertEquals(order, pool.forKey(key(i)), "the same order every time");
      homes.merge(order.getFirst(), 1, Integer::sum);
    }
    homes.values().forEach(n -> assertTrue(n > 800 && n < 1200, "about a third each: " + homes));
  }

  @Test
  void removingAReplicaMovesOnlyItsKeys() {
    ReaderPool three = new ReaderPool(List.of(A, B, C), Duration.ofMinutes(1));
    ReaderPool two = new ReaderPool(List.of(A, C), Duration.ofMinutes(1));
    int moved = 0;
    for (int i = 0; i < 3000; i++) {
      URI before = three.forKey(key(i)).getFirst();
      URI after = two.forKey(key(i)).getFirst();
      if (before.equals(B)) {
        moved++;
      } else {
        assertEquals(before, after, "a key not on B stays where it was");
      }
    }
    assertTrue(moved > 0);
  }

  @Test
  void aFailedReplicaIsTriedLastUntilItSucceedsAgain() {
    ReaderPool pool = new ReaderPool(List.of(A, B, C), Duration.ofMinutes(1));
    byte[] k = key(7);
    URI home = pool.forKey(k).getFirst();
    pool.failed(home);
    assertEquals(home, pool.forKey(k).getLast());
    for (int i = 0; i < 6; i++) {
      assertEquals(home, pool.any().getLast(), "round robin skips it too");
    }
    pool.succeeded(home);
    assertEquals(home, pool.forKey(k).getFirst());
  }

  @Test
  void aPenaltyEndsAndRoundRobinRotates() {
    ReaderPool pool = new ReaderPool(List.of(A, B, C), Duration.ZERO);
    pool.failed(A);
    Set<URI> firsts = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      firsts.add(pool.any().getFirst());
    }
    assertEquals(
        Set.of(A, B, C), firsts, "a zero penalty is over at once; each replica leads in turn");
  }

  @Test
  void announcedReplicasJoinAndLeaveAndAConfiguredOneIsNotCountedTwice() throws Exception {
    java.util.concurrent.atomic.AtomicReference<List<URI>> announced =
        new java.util.concurrent.atomic.AtomicReference<>(List.of());
    ReaderPool pool = new ReaderPool(List.of(A), announced::get, Duration.ofMinutes(1));
    assertEquals(List.of(A), pool.all());
    announced.set(List.of(A, B));
    Thread.sleep(ReaderPool.REFRESH.toMillis() + 50);
    assertEquals(List.of(A, B), pool.all(), "B joined; A once");
    announced.set(List.of());
    Thread.sleep(ReaderPool.REFRESH.toMillis() + 50);
    assertEquals(List.of(A), pool.all(), "B left; the configured A stays");
    assertEquals(List.of(A), pool.forKey(key(1)));
  }
}
