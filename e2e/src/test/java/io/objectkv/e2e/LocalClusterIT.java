package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.client.Consistency;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.testkit.Poll;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cluster as README.md starts it ({@code ./objectkv local}, separate processes): write
 * through the CLI and the Java client, read back through both, stop, start again, and the data is
 * still there.
 */
class LocalClusterIT {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** A port offset whose ports are all free now (a fixed one may be taken on a shared machine). */
  static final int OFFSET = freeOffset();

  static final String URL = "http://127.0.0.1:" + (8080 + OFFSET);

  /** The ports of the parts, before the offset: gateway, readers, writer, compactor, Kafka. */
  static final int[] PORTS = {8080, 8081, 8082, 8090, 8091, 9092};

  @TempDir Path data;

  private Process start(Path log) throws IOException {
    Process p =
        new ProcessBuilder(
                ROOT.resolve("objectkv").toString(),
                "local",
                "--data-dir",
                data.toString(),
                "--port-offset",
                Integer.toString(OFFSET))
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Poll.until(
        Duration.ofSeconds(120),
        "the local cluster to start (" + log + ")",
        () -> {
          if (!p.isAlive()) {
            throw new AssertionError("objectkv local exited: " + read(log));
          }
          return read(log).contains("Press Ctrl-C to stop.");
        });
    return p;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** Runs the CLI as a user would; returns exit code and output. */
  private static List<String> cli(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(ROOT.resolve("objectkv").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--url", URL));
    Child c = Child.run(command, ROOT, Duration.ofSeconds(60));
    return List.of(Integer.toString(c.exitCode()), c.output().strip());
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM, as Ctrl-C: the launcher stops every part
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "objectkv local stops");
    for (int port : PORTS) {
      assertFalse(
          listening(port + OFFSET), "port " + (port + OFFSET) + " is closed after the stop");
    }
  }

  private static int freeOffset() {
    java.util.Random rnd = new java.util.Random();
    for (int attempt = 0; attempt < 100; attempt++) {
      int offset = 300 + 10 * rnd.nextInt(2000);
      boolean free = true;
      for (int port : new int[] {8080, 8081, 8082, 8090, 8091, 9092, 9093}) {
        free &= !listening(port + offset);
      }
      if (free) {
        return offset;
      }
    }
    throw new IllegalStateException("no free port offset for a local cluster");
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void theReadmeClusterServesTheCliAndTheClientAndKeepsItsData() throws Exception {
    Process first = start(data.resolve("first.log"));
    try (ObjectKvClient kv = ObjectKvClient.connect(URL)) {
      assertEquals("0", cli("put", "from-cli", "cli value").get(0));
      long v = kv.put("from-client", "client value");
      assertEquals(
          List.of("0", "client value"),
          cli("get", "from-client", "--min-version", Long.toString(v)));
      assertEquals(
          "cli value", kv.get("from-cli", Consistency.strong()).orElseThrow().valueString());
      assertEquals(
          "3",
          cli("put", "from-cli", "again", "--if-absent").get(0),
          "a failed condition exits with 3");
      assertEquals("1", cli("get", "never-written", "--strong").get(0), "not found exits with 1");
    } finally {
      stop(first);
    }
    Process second = start(data.resolve("second.log"));
    try (ObjectKvClient kv = ObjectKvClient.connect(URL)) {
      assertEquals(
          "client value", kv.get("from-client", Consistency.strong()).orElseThrow().valueString());
      assertEquals(List.of("0", "cli value"), cli("get", "from-cli", "--strong"));
      List<String> scan = cli("scan", "--prefix", "from-", "--strong");
      assertEquals("from-cli\tcli value\nfrom-client\tclient value", scan.get(1));

      // A part that dies is started again, and says so.
      Path log = data.resolve("second.log");
      var pid =
          java.util.regex.Pattern.compile("starting reader-1 .*\\(pid (\\d+)\\)")
              .matcher(read(log));
      assertTrue(pid.find(), read(log));
      ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow().destroyForcibly();
      Poll.until(
          Duration.ofSeconds(60),
          "reader-1 to be restarted (" + log + ")",
          () -> read(log).contains("restarted reader-1") && listening(8081 + OFFSET));
      assertTrue(read(log).contains("reader-1 exited with code"), read(log));
      assertEquals(
          "client value", kv.get("from-client", Consistency.strong()).orElseThrow().valueString());

      // A launcher killed outright leaves no part behind: each sees its stdin close and stops.
      second.destroyForcibly();
      Poll.until(
          Duration.ofSeconds(60),
          "every part to stop after the launcher was killed (" + log + ")",
          () -> {
            for (int port : PORTS) {
              if (listening(port + OFFSET)) {
                return false;
              }
            }
            return true;
          });
    } finally {
      if (second.isAlive()) {
        stop(second);
      }
    }
  }
}
