package io.objectkv.compactor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.compactor.merge.CompactionMerger;
import io.objectkv.core.metrics.Metrics;
import io.objectkv.core.store.LocalFileObjectStore;
import io.objectkv.kafka.KafkaNames;
import io.objectkv.runtime.health.Liveness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactorLivenessTest {
  /**
   * A database's compaction loop that never ran (its manifest log is empty) or parked has no thread
   * to beat: health must not report it as stuck. It did, for every never-written database, two
   * minutes after the compactor started.
   */
  @Test
  void aLoopThatIsNotRunningIsNotWatched(@TempDir Path dir) {
    Instant[] now = {Instant.parse("2026-12-01T00:00:00Z")};
    InstantSource clock = () -> now[0];
    Liveness liveness = new Liveness(clock);
    KafkaNames names = new KafkaNames("t");
    CompactorConfig config =
        CompactorConfig.defaults("127.0.0.1:9", names, dir.resolve("tmp"))
            .forDatabase(names, "quiet", Duration.ofSeconds(30));
    Compactor compactor =
        new Compactor(
            config,
            new LocalFileObjectStore(dir.resolve("store"), clock),
            null,
            clock,
            new Random(1),
            new Metrics(),
            liveness,
            CompactionMerger.Step.NONE);
    now[0] = now[0].plus(Duration.ofHours(1));
    assertEquals(List.of(), liveness.problems());
    compactor.close();
    assertEquals(List.of(), liveness.problems());
  }
}
