package io.objectkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's retry loop against a scripted HTTP server: what is sent again, and what is not. */
class ObjectKvClientRetryTest {
  private record Reply(int status, String body) {}

  private final Deque<Reply> script = new ArrayDeque<>();
  private final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
  private HttpServer server;

  private ObjectKvClient client(int attempts) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
    return ObjectKvClient.connect(
        "http://127.0.0.1:" + server.getAddress().getPort(), Duration.ofSeconds(5), attempts);
  }

  private void answer(HttpExchange ex) throws IOException {
    bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    Reply r;
    synchronized (script) {
      r = script.isEmpty() ? new Reply(500, "{\"error\":\"script_ended\"}") : script.poll();
    }
    byte[] body = r.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.getResponseHeaders().add("ETag", "\"7\"");
    ex.sendResponseHeaders(r.status(), r.status() == 404 ? -1 : body.length);
    if (r.status() != 404) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aWriteAnswered503IsSentAgainWithTheSameRequestId() throws IOException {
    script.add(new Reply(503, "{\"error\":\"unavailable\",\"message\":\"writer failing over\"}"));
    script.add(new Reply(503, "{\"error\":\"unavailable\",\"message\":\"still\"}"));
    script.add(new Reply(200, "{\"version\":42}"));
    try (ObjectKvClient c = client(5)) {
      assertEquals(42, c.put("k", "v"));
    }
    assertEquals(3, bodies.size());
    assertTrue(bodies.getFirst().contains("\"requestId\""), bodies.getFirst());
    assertEquals(1, bodies.stream().distinct().count(), "the same body, request id included");
  }

  @Test
  void aFailedConditionIsNotRetried() throws IOException {
    script.add(
        new Reply(
            412,
            "{\"error\":\"condition_failed\",\"message\":\"exists\",\"index\":0,"
                + "\"reason\":\"exists\",\"currentVersion\":9}"));
    try (ObjectKvClient c = client(5)) {
      ConditionFailedException e =
          assertThrows(
              ConditionFailedException.class, () -> c.put("k", "v", Precondition.ifAbsent()));
      assertEquals(9L, e.currentVersion());
      assertEquals("exists", e.reason());
    }
    assertEquals(1, bodies.size());
  }

  @Test
  void aMissingKeyIsEmptyAndAReadGivesUpAfterItsAttempts() throws IOException {
    script.add(new Reply(404, ""));
    for (int i = 0; i < 3; i++) {
      script.add(new Reply(503, "{\"error\":\"unavailable\",\"message\":\"no replica\"}"));
    }
    try (ObjectKvClient c = client(3)) {
      assertTrue(c.get("absent").isEmpty());
      ObjectKvException e = assertThrows(ObjectKvException.class, () -> c.get("k"));
      assertEquals(503, e.status());
    }
    assertEquals(4, bodies.size(), "one 404, then three attempts");
  }

  @Test
  void anUnreachableServerIsReportedAfterEveryAttempt() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    try (ObjectKvClient c =
        ObjectKvClient.connect("http://127.0.0.1:" + port, Duration.ofSeconds(2), 2)) {
      ObjectKvException e = assertThrows(ObjectKvException.class, () -> c.get("k"));
      assertEquals("unreachable", e.code());
    }
  }
}
