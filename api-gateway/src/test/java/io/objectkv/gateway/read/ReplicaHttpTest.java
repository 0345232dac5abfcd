package io.objectkv.gateway.read;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReplicaHttpTest {
  /** A request as the scripted server read it. */
  record Request(String head, byte[] body) {}

  /**
   * A replica that answers each request with what {@code script} returns: bytes to send, or null to
   * close the connection without answering.
   */
  static final class ScriptedServer implements AutoCloseable {
    final ServerSocket socket;
    final AtomicInteger connections = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Socket> open = new CopyOnWriteArrayList<>();

    ScriptedServer(Function<Request, byte[]> script) throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread.ofVirtual()
          .start(
              () -> {
                while (!socket.isClosed()) {
                  try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    open.add(s);
                    Thread.ofVirtual().start(() -> serve(s, script));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
    }

    private void serve(Socket s, Function<Request, byte[]> script) {
      try (s) {
        InputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream out = s.getOutputStream();
        while (true) {
          StringBuilder head = new StringBuilder();
          int length = 0;
          for (String line; !(line = line(in)).isEmpty(); ) {
            head.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
              length = Integer.parseInt(line.substring(15).trim());
            }
          }
          Request r = new Request(head.toString(), in.readNBytes(length));
          requests.add(r);
          byte[] answer = script.apply(r);
          if (answer == null) {
            return;
          }
          out.write(answer);
          out.flush();
        }
      } catch (IOException | RuntimeException e) {
        // the client went away
      }
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    /** Closes every accepted connection, as a replica's idle timeout does. */
    void dropConnections() throws IOException {
      for (Socket s : open) {
        s.close();
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      dropConnections();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] ok(String body) {
    return ascii(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nETag: \"7\"\r\nContent-Length: "
            + body.length()
            + "\r\n\r\n"
            + body);
  }

  private final Deadlines deadlines = new Deadlines("test-deadlines");
  private final ReplicaHttp http = new ReplicaHttp(Optional.empty(), deadlines);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @AfterEach
  void close() {
    http.close();
    deadlines.close();
  }

  @Test
  void answersComeWholeAndConnectionsAreKept() throws IOException {
    try (ScriptedServer server = new ScriptedServer(r -> ok("value-" + r.head().length()))) {
      ReplicaHttp.Response first =
          http.send(server.uri(), "GET", "/v1/kv/a", null, TIMEOUT, List.of("X-A", "1"));
      ReplicaHttp.Response second =
          http.send(server.uri(), "GET", "/v1/kv/bb", null, TIMEOUT, Arrays.asList("X-A", null));
      assertEquals(200, first.status());
      assertEquals("\"7\"", first.header("etag").orElseThrow(), "header names ignore case");
      assertTrue(new String(first.body(), StandardCharsets.UTF_8).startsWith("value-"));
      assertEquals(1, server.connections.get(), "the second request reused the connection");
      String head = server.requests.get(0).head();
      assertTrue(head.startsWith("GET /v1/kv/a HTTP/1.1\n"), head);
      assertTrue(head.contains("Host: 127.0.0.1:" + server.socket.getLocalPort()), head);
      assertTrue(head.contains("X-A: 1"), head);
      assertTrue(!server.requests.get(1).head().contains("X-A"), "a null value leaves it out");
      assertEquals(200, second.status());
    }
  }

  @Test
  void aHeadAnswerHasNoBodyWhateverItsLength() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(r -> ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"))) {
      ReplicaHttp.Response r =
          http.send(server.uri(), "HEAD", "/v1/kv/a", null, TIMEOUT, List.of());
      assertEquals(200, r.status());
      assertEquals(0, r.body().length);
      assertEquals(
          200, http.send(server.uri(), "HEAD", "/v1/kv/a", null, TIMEOUT, List.of()).status());
      assertEquals(1, server.connections.get());
    }
  }

  @Test
  void aBodyIsSentWithItsLength() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(r -> ok(new String(r.body(), StandardCharsets.UTF_8)))) {
      byte[] body = "{\"keys\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8);
      ReplicaHttp.Response r = http.send(server.uri(), "POST", "/v1/get", body, TIMEOUT, List.of());
      assertArrayEquals(body, r.body());
      assertTrue(server.requests.get(0).head().contains("Content-Length: " + body.length));
    }
  }

  @Test
  void chunkedAnswersAreJoined() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(
            r ->
                ascii(
                    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"))) {
      ReplicaHttp.Response r = http.send(server.uri(), "GET", "/v1/scan", null, TIMEOUT, List.of());
      assertEquals("hello, world", new String(r.body(), StandardCharsets.UTF_8));
      http.send(server.uri(), "GET", "/v1/scan", null, TIMEOUT, List.of());
      assertEquals(1, server.connections.get(), "a chunked answer read to its end keeps it");
    }
  }

  @Test
  void aConnectionTheReplicaClosedWhileIdleIsReplacedOnce() throws IOException {
    try (ScriptedServer server = new ScriptedServer(r -> ok("x"))) {
      http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of());
      server.dropConnections();
      ReplicaHttp.Response r = http.send(server.uri(), "GET", "/b", null, TIMEOUT, List.of());
      assertEquals("x", new String(r.body(), StandardCharsets.UTF_8));
      assertEquals(2, server.connections.get());
    }
  }

  @Test
  void aFreshConnectionClosedWithoutAnAnswerIsAnError() throws IOException {
    try (ScriptedServer server = new ScriptedServer(r -> null)) {
      assertThrows(
          IOException.class, () -> http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of()));
      assertEquals(1, server.requests.size(), "sent once, not retried");
    }
  }

  @Test
  void connectionCloseIsHonoured() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(
            r ->
                ascii(
                    "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"))) {
      assertEquals(404, http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of()).status());
      assertEquals(404, http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of()).status());
      assertEquals(2, server.connections.get());
    }
  }

  /** A GET of {@code path} with a 300 ms timeout ends in a timeout, about then. */
  private void assertTimesOut(ScriptedServer server, String path) {
    long start = System.nanoTime();
    assertThrows(
        SocketTimeoutException.class,
        () -> http.send(server.uri(), "GET", path, null, Duration.ofMillis(300), List.of()));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ms >= 250 && ms < 5000, ms + " ms");
  }

  @Test
  void aSilentReplicaTimesOut() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(
            r -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return null;
            })) {
      assertTimesOut(server, "/a");
    }
  }

  @Test
  void aReplicaThatStopsMidAnswerTimesOutAndItsConnectionIsNotKept() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(
            r ->
                r.head().startsWith("GET /stall")
                    ? ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc") // then silence
                    : ok("fine"))) {
      assertTimesOut(server, "/stall");
      ReplicaHttp.Response r = http.send(server.uri(), "GET", "/ok", null, TIMEOUT, List.of());
      assertEquals("fine", new String(r.body(), StandardCharsets.UTF_8));
      assertEquals(2, server.connections.get()); // the stalled one was not reused
    }
  }

  @Test
  void controlCharactersAreRefusedBeforeAnythingIsSent() throws IOException {
    try (ScriptedServer server = new ScriptedServer(r -> ok("x"))) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              http.send(server.uri(), "GET", "/a HTTP/1.1\r\nX-Evil: 1", null, TIMEOUT, List.of()));
      assertThrows(
          IllegalArgumentException.class,
          () ->
              http.send(
                  server.uri(), "GET", "/a", null, TIMEOUT, List.of("If-None-Match", "x\r\ny")));
      assertEquals(0, server.connections.get());
    }
  }

  @Test
  void malformedAnswersAreErrors() throws IOException {
    for (String answer :
        List.of(
            "SSH-2.0-OpenSSH\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "HTTP/1.1 200 OK\r\n\r\nno length")) {
      try (ScriptedServer server = new ScriptedServer(r -> ascii(answer))) {
        assertThrows(
            IOException.class,
            () -> http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of()),
            answer);
      }
    }
  }

  @Test
  void answersOverTheBoundAreRefused() throws IOException {
    try (ScriptedServer server =
        new ScriptedServer(
            r ->
                ascii(
                    "HTTP/1.1 200 OK\r\nContent-Length: "
                        + (ReplicaHttp.MAX_BODY_BYTES + 1)
                        + "\r\n\r\n"))) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> http.send(server.uri(), "GET", "/a", null, TIMEOUT, List.of()));
      assertTrue(e.getMessage().contains("bytes"), e.getMessage());
    }
  }
}
