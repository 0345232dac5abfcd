package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.testkit.chaos.ChaosRun;
import io.objectkv.testkit.chaos.ChaosSettings;
import io.objectkv.testkit.chaos.Nemesis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The chaos harness in its short seeded form: the cluster as separate processes, every nemesis
 * (kill -9 of each process kind and of the Kafka broker, a slow, failing and answer-losing S3, a
 * full cache disk), and the checkers' verdict on the recorded history. {@code bench/run Chaos} runs
 * the same for as long as you like.
 */
class ChaosIT {
  @Test
  void aSeededRunWithEveryNemesisKeepsEveryGuarantee() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "chaos-");
    ChaosRun.Report report =
        ChaosRun.run(
            new ChaosRun.Options(
                dir,
                42,
                Duration.ofSeconds(100),
                8,
                6,
                EnumSet.allOf(Nemesis.Fault.class),
                Duration.ofSeconds(4),
                Duration.ofSeconds(4),
                ChaosSettings.PROCESSES));
    System.out.println(report.text());
    assertTrue(report.operations() > 1000, "operations: " + report.operations());
    assertTrue(report.events().size() >= 5, "faults: " + report.events());
    assertEquals(0, report.anomalies().size(), "linearizability anomalies; logs in " + dir);
    assertEquals(0, report.snapshotViolations().size(), "reads off the log order; logs in " + dir);
    assertEquals(0, report.lostAcknowledged(), "acknowledged writes lost; logs in " + dir);
    assertEquals(0, report.disagreements().size(), "replicas disagree; logs in " + dir);
  }
}
