package io.objectkv.e2e;

import io.objectkv.testkit.Poll;
import io.objectkv.testkit.ServerProcess;
import io.objectkv.writer.WriterMain;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A writer run as its own OS process (the writer module's main), so a test can kill -9 it. */
final class ProcessWriter implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  final ServerProcess process;
  final int port;

  private ProcessWriter(ServerProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  static ProcessWriter start(Cluster cluster, String name, Path logDir) {
    int port = ServerProcess.freePort();
    Map<String, String> env = new HashMap<>(cluster.env);
    env.put(WriterMain.HTTP_PORT.name(), Integer.toString(port));
    env.put(WriterMain.SESSION_TIMEOUT.name(), "2s");
    ServerProcess p =
        ServerProcess.start(
            name,
            List.of(
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                "io.objectkv.writer.WriterMain"),
            env,
            logDir.resolve(name + ".log"),
            Duration.ofSeconds(60),
            () -> role(port) != null);
    return new ProcessWriter(p, port);
  }

  /** "active", "standby", "recovering", or null when it does not answer. */
  static String role(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/status"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      var m = java.util.regex.Pattern.compile("\"role\":\"(\\w+)\"").matcher(r.body());
      return m.find() ? m.group(1) : null;
    } catch (Exception e) {
      return null;
    }
  }

  String role() {
    return role(port);
  }

  void awaitRole(String role, Duration timeout) {
    Poll.until(timeout, process + " to be " + role, () -> role.equals(role()));
  }

  /** SIGKILL: no clean shutdown, no leaving the group. */
  void kill() {
    process.kill();
  }

  @Override
  public void close() {
    process.close();
  }
}
