package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standard YCSB client loads and runs workloads through the binding without an error. */
class YcsbIT {
  static Cluster cluster;
  static String url;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    cluster = new Cluster("ycsb");
    cluster.startActiveWriter();
    cluster.startReader(dir.resolve("r1"));
    url = cluster.startGateway().base();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static String ycsb(String phase, String workload) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "site.ycsb.Client",
                phase,
                "-db",
                "io.objectkv.ycsb.ObjectKvDb",
                "-P",
                Path.of("..", "ycsb", "workloads", workload).toString(),
                "-p",
                "recordcount=300",
                "-p",
                "operationcount=600",
                "-p",
                "objectkv.url=" + url,
                "-p",
                "objectkv.consistency=strong",
                "-threads",
                "8"));
    Child c = Child.run(cmd, Path.of("").toAbsolutePath(), Duration.ofSeconds(120));
    assertEquals(0, c.exitCode(), c.output());
    return c.output();
  }

  @Test
  void workloadsAandEandFRunCleanly() throws Exception {
    String load = ycsb("-load", "workloada");
    assertTrue(load.contains("[INSERT], Return=OK, 300"), load);
    for (String w : List.of("workloada", "workloade", "workloadf")) {
      String run = ycsb("-t", w);
      assertTrue(run.contains("[OVERALL], Throughput(ops/sec)"), run);
      assertFalse(run.contains("Return=ERROR"), w + ":\n" + run);
      assertFalse(run.contains("Return=NOT_FOUND"), w + ":\n" + run);
    }
  }
}
