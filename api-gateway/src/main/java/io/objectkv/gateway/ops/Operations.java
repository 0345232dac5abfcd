package io.objectkv.gateway.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.objectkv.runtime.cluster.ProcessCard;
import io.objectkv.runtime.cluster.ProcessDirectory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * What the gateway knows of the whole cluster for its status and console: the processes that
 * announce themselves, the cost meter and the traffic history, sampled every {@link #EVERY}.
 */
public final class Operations implements AutoCloseable {
  /** How often the cost meter and the traffic history take a sample. */
  public static final Duration EVERY = Duration.ofSeconds(5);

  private final ProcessDirectory directory;
  private final CostMeter meter;
  private final Traffic traffic;
  private final Thread sampler;
  private volatile boolean running = true;

  /**
   * A process as the gateway's status lists it.
   *
   * @param manifestLag manifests behind the newest any process announced
   * @param heardMillisAgo since its last announcement arrived
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Process(
      String id,
      String role,
      String version,
      String url,
      String state,
      long startedAt,
      Long manifestVersion,
      Long manifestLag,
      long heardMillisAgo) {}

  /** The traffic history: one point per sampling interval, oldest first. */
  public record TrafficHistory(long intervalSeconds, List<Traffic.Point> points) {}

  public Operations(ProcessDirectory directory, CostMeter meter, Traffic traffic) {
    this.directory = directory;
    this.meter = meter;
    this.traffic = traffic;
    this.sampler = Thread.ofPlatform().name("operations-sampler").daemon().start(this::sample);
  }

  private void sample() {
    while (running) {
      LockSupport.parkNanos(EVERY.toNanos());
      long now = System.currentTimeMillis();
      meter.sample(directory.live(), now);
      traffic.sample(now);
    }
  }

  public List<Process> processes() {
    List<ProcessDirectory.Seen> seen = directory.seen();
    long newest =
        seen.stream()
            .map(s -> s.card().manifestVersion())
            .filter(Objects::nonNull)
            .mapToLong(Long::longValue)
            .max()
            .orElse(-1);
    long now = System.nanoTime();
    return seen.stream()
        .map(
            s -> {
              ProcessCard c = s.card();
              return new Process(
                  c.id(),
                  c.role(),
                  c.version(),
                  c.url(),
                  c.state(),
                  c.startedAt(),
                  c.manifestVersion(),
                  c.manifestVersion() == null ? null : newest - c.manifestVersion(),
                  Duration.ofNanos(now - s.heardAtNanos()).toMillis());
            })
        .toList();
  }

  /** The cost meter now; {@code manifestBytes} stands in for storage until a compactor lists. */
  public CostMeter.Cost cost(long manifestBytes) {
    return meter.cost(directory.live(), System.currentTimeMillis(), manifestBytes);
  }

  public TrafficHistory traffic() {
    return new TrafficHistory(EVERY.toSeconds(), traffic.points());
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(sampler);
    directory.close();
  }
}
