package io.objectkv.testkit.chaos;

import io.objectkv.client.ChangeEvent;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.ObjectKvException;
import io.objectkv.client.Watch;
import io.objectkv.testkit.history.WatchCheck;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A watch of the keys the chaos clients write, through the gateway, for the whole run: the Java
 * client's watch, which reconnects and resumes after the last version it got whatever the nemesis
 * kills. What it saw is judged by {@link WatchCheck} against the history.
 */
final class ChaosWatcher implements Runnable {
  private final ObjectKvClient kv;
  private final Watch watch;
  private final long startedAfter;
  private final List<WatchCheck.Change> seen = Collections.synchronizedList(new ArrayList<>());
  private volatile String failure;
  private volatile boolean stopping;

  /** Starts watching {@code prefix} now (the watch is open when this returns). */
  ChaosWatcher(URI gateway, String prefix) {
    kv =
        ObjectKvClient.builder(gateway.toString())
            .timeout(Duration.ofSeconds(30))
            .attempts(1_000)
            .build();
    watch = kv.watch(ObjectKvClient.Scan.prefix(prefix), -1);
    startedAfter = watch.position();
  }

  @Override
  public void run() {
    try {
      while (watch.hasNext()) {
        ChangeEvent e = watch.next();
        for (ChangeEvent.Change c : e.changes()) {
          seen.add(new WatchCheck.Change(e.version(), c.keyString(), c.valueString()));
        }
      }
    } catch (ObjectKvException e) {
      if (!stopping) {
        failure = e.getMessage();
      }
    }
  }

  /** Waits (up to {@code timeout}) until the watch has reached {@code version}, then stops it. */
  void stopAt(long version, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (watch.position() < version && failure == null && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    stopping = true;
    watch.close();
    kv.close();
  }

  long startedAfter() {
    return startedAfter;
  }

  /** The version it reached: every event up to it was delivered. */
  long position() {
    return watch.position();
  }

  List<WatchCheck.Change> seen() {
    return List.copyOf(seen);
  }

  /** Why the watch ended before it was stopped, or null. */
  String failure() {
    return failure;
  }
}
