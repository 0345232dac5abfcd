package io.objectkv.bench;

import io.objectkv.reader.ReaderMain;
import io.objectkv.testkit.ServerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A reader process from {@code java} to its first answered GET, with an empty cache. */
final class ColdBoot {
  private ColdBoot() {}

  static void measure(BenchCluster cluster, Path dir, int runs) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (int i = 0; i < runs; i++) {
      int port = ServerProcess.freePort();
      Map<String, String> env = new HashMap<>(cluster.env);
      env.put(ReaderMain.PORT.name(), Integer.toString(port));
      env.put(ReaderMain.CACHE_DIR.name(), dir.resolve("run-" + i).toString());
      URI uri = URI.create("http://127.0.0.1:" + port + "/v1/kv/" + ReadLoad.key(1));
      // The deployable jar (bench/run runs from the repository root), else this classpath.
      Path jar = Path.of("reader", "target", "objectkv-reader.jar");
      // As ./objectkv local and compose.yaml run it: the JVM's class archive is written when the
      // first boot exits and mapped by the later ones (the data cache stays empty in every run).
      List<String> command =
          java.nio.file.Files.exists(jar)
              ? List.of(
                  "-XX:+AutoCreateSharedArchive",
                  "-XX:SharedArchiveFile=" + dir.resolve("reader.jsa"),
                  "-Xlog:cds*=error",
                  "-jar",
                  jar.toString())
              : List.of(
                  "-cp", System.getProperty("java.class.path"), "io.objectkv.reader.ReaderMain");
      boolean archived = java.nio.file.Files.exists(dir.resolve("reader.jsa"));
      long start = System.nanoTime();
      ServerProcess reader =
          ServerProcess.start(
              "reader-boot-" + i,
              command,
              env,
              dir.resolve("reader-boot-" + i + ".log"),
              Duration.ofSeconds(60),
              () -> {
                try {
                  return http.send(
                              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                } catch (Exception e) {
                  return false;
                }
              });
      long millis = (System.nanoTime() - start) / 1_000_000;
      reader.close();
      System.out.printf(
          "cold boot %d: %d ms from process start to the first answered GET (empty cache, %s)%n",
          i + 1,
          millis,
          command.contains("-jar")
              ? "the reader jar, "
                  + (archived ? "JVM class archive mapped" : "no class archive yet")
              : "the bench classpath");
    }
  }
}
