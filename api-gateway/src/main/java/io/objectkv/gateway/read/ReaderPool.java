package io.objectkv.gateway.read;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The reader replicas and the order to try them in: the configured ones and those that announce
 * themselves as serving (looked up at most every {@link #REFRESH}). Point reads use rendezvous
 * hashing on the key, so each replica's caches hold its share of the keys and a key's replica
 * changes only when that replica joins or leaves; scans go round robin. A replica that failed is
 * tried last for a while.
 */
public final class ReaderPool {
  private static final XXHash64 XXH = XXHashFactory.fastestJavaInstance().hash64();

  private record Replica(URI base, long seed) {}

  /** How stale the list of announced replicas may be. */
  static final Duration REFRESH = Duration.ofMillis(250);

  private final List<URI> configured;
  private final Supplier<List<URI>> announced;
  private final Duration penalty;
  private final ConcurrentHashMap<URI, Long> downUntil = new ConcurrentHashMap<>();
  private final AtomicInteger roundRobin = new AtomicInteger();
  private volatile List<Replica> replicas;
  private volatile List<URI> lastAnnounced = List.of();
  private volatile long refreshedAt;

  public ReaderPool(List<URI> configured, Duration penalty) {
    this(configured, List::of, penalty);
  }

  /**
   * @param announced the replicas that announce themselves now, asked at most every {@link
   *     #REFRESH}
   */
  public ReaderPool(List<URI> configured, Supplier<List<URI>> announced, Duration penalty) {
    this.configured = List.copyOf(configured);
    this.announced = announced;
    this.penalty = penalty;
    this.replicas = build(List.of());
    this.refreshedAt = System.nanoTime() - REFRESH.toNanos();
  }

  private List<Replica> build(List<URI> found) {
    Set<URI> all = new LinkedHashSet<>(configured);
    all.addAll(found);
    return all.stream().map(u -> new Replica(u, seed(u))).toList();
  }

  private List<Replica> replicas() {
    long now = System.nanoTime();
    if (now - refreshedAt >= REFRESH.toNanos()) {
      refreshedAt = now;
      List<URI> found = announced.get();
      if (!found.equals(lastAnnounced)) {
        lastAnnounced = found;
        replicas = build(found);
      }
    }
    return replicas;
  }

  private static long seed(URI u) {
    byte[] b = u.toString().getBytes(StandardCharsets.UTF_8);
    return XXH.hash(b, 0, b.length, 0x5EED);
  }

  public boolean isEmpty() {
    return replicas().isEmpty();
  }

  public List<URI> all() {
    return replicas().stream().map(Replica::base).toList();
  }

  /** Replicas for {@code key}: its rendezvous order, healthy ones first. */
  public List<URI> forKey(byte[] key) {
    List<Replica> order = new ArrayList<>(replicas());
    order.sort(
        Comparator.comparingLong((Replica r) -> XXH.hash(key, 0, key.length, r.seed)).reversed());
    return healthyFirst(order.stream().map(Replica::base).toList());
  }

  /** Replicas in round-robin order, healthy ones first. */
  public List<URI> any() {
    List<Replica> now = replicas();
    int n = now.size();
    int start = n == 0 ? 0 : Math.floorMod(roundRobin.getAndIncrement(), n);
    List<URI> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      order.add(now.get((start + i) % n).base());
    }
    return healthyFirst(order);
  }

  private List<URI> healthyFirst(List<URI> order) {
    long now = System.nanoTime();
    List<URI> healthy = new ArrayList<>();
    List<URI> penalized = new ArrayList<>();
    for (URI u : order) {
      Long until = downUntil.get(u);
      (until != null && until - now > 0 ? penalized : healthy).add(u);
    }
    healthy.addAll(penalized);
    return healthy;
  }

  public void failed(URI replica) {
    downUntil.put(replica, System.nanoTime() + penalty.toNanos());
  }

  public void succeeded(URI replica) {
    downUntil.remove(replica);
  }
}
