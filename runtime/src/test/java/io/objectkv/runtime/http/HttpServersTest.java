package io.objectkv.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import io.objectkv.client.KeyPaths;
import io.objectkv.core.metrics.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Arbitrary key bytes survive the trip through the URL; every error is JSON. */
class HttpServersTest {
  private static Javalin app;
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    app =
        HttpServers.create(
                "test",
                new Metrics(),
                config -> {
                  config.routes.get(
                      "/v1/kv/<key>",
                      ctx -> {
                        String raw = PathKeys.rawPath(ctx).substring("/v1/kv/".length());
                        ctx.result(HexFormat.of().formatHex(PathKeys.decode(raw)));
                      });
                  config.routes.put(
                      "/v1/kv/<key>", ctx -> ctx.result(HttpServers.body(ctx).length + " bytes"));
                  config.routes.get(
                      "/v1/kv",
                      ctx -> {
                        byte[] answer = new byte[Integer.parseInt(ctx.queryParam("limit"))];
                        java.util.Arrays.fill(answer, (byte) 'a');
                        HttpServers.answer(ctx.contentType("text/plain"), answer);
                      });
                  config.routes.post(
                      "/v1/batch",
                      ctx -> {
                        throw ApiException.tooLarge("too big");
                      });
                })
            .start("127.0.0.1", 0);
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theListenQueueHoldsABurstOfConnections() throws Exception {
    var connectors = app.jettyServer().server().getConnectors();
    assertEquals(1, connectors.length);
    assertEquals(
        HttpServers.ACCEPT_QUEUE,
        ((org.eclipse.jetty.server.ServerConnector) connectors[0]).getAcceptQueueSize());
    // A burst: 300 connections opened at once, before any request is sent; each is answered.
    java.util.List<java.net.Socket> sockets = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()), 5_000);
        socket.setSoTimeout(10_000);
        sockets.add(socket);
      }
      byte[] request =
          "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      for (java.net.Socket socket : sockets) {
        socket.getOutputStream().write(request);
      }
      for (java.net.Socket socket : sockets) {
        String status =
            new java.io.BufferedReader(
                    new java.io.InputStreamReader(
                        socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                .readLine();
        assertEquals("HTTP/1.1 200 OK", status);
      }
    } finally {
      for (java.net.Socket socket : sockets) {
        socket.close();
      }
    }
  }

  /**
   * Slowloris: 400 connections that send half a request and then nothing hold no thread (the server
   * reads with a selector, and handlers run on virtual threads), so a normal request is still
   * answered at once.
   */
  @Test
  void halfSentRequestsDoNotStarveOthers() throws Exception {
    java.util.List<java.net.Socket> slow = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        java.net.Socket socket = new java.net.Socket();
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", app.port()), 5_000);
        socket
            .getOutputStream()
            .write(
                "GET /v1/kv/slow HTTP/1.1\r\nHost: x\r\nX-Slow: "
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        slow.add(socket);
      }
      long start = System.nanoTime();
      HttpResponse<String> r = send("GET", "/v1/kv/fast");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, r.statusCode());
      assertTrue(millis < 5_000, "answered in " + millis + " ms beside 400 stalled requests");
    } finally {
      for (java.net.Socket socket : slow) {
        socket.close();
      }
    }
  }

  @Test
  void percentEncodedKeysDecodeToTheirBytes() throws Exception {
    for (byte[] key :
        new byte[][] {
          "plain".getBytes(),
          "a/b/c".getBytes(),
          {'a', '/', '/', 'b'},
          {(byte) 0xFF, 1, (byte) 0x80},
          {(byte) 0xC3},
          "%25 ?#&=+".getBytes(),
          "..".getBytes(),
          "../etc/passwd".getBytes(),
          "héllo wörld ☃".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          {'a', '\\', 'b'}
        }) {
      HttpResponse<String> r = send("GET", "/v1/kv/" + KeyPaths.encode(key));
      assertEquals(200, r.statusCode(), "key " + HexFormat.of().formatHex(key) + ": " + r.body());
      assertEquals(HexFormat.of().formatHex(key), r.body());
    }
  }

  /** Jetty 12 alone refuses an encoded NUL in any path; our connections let it through. */
  @Test
  void nulBytesInAPathReachTheRoute() throws Exception {
    for (String path : new String[] {"a%00b", "%00", "%00%00%FF", "x%00?y=%00"}) {
      HttpResponse<String> r = send("GET", "/v1/kv/" + path);
      assertEquals(200, r.statusCode(), path + ": " + r.body());
      String key = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
      assertEquals(HexFormat.of().formatHex(PathKeys.decode(key)), r.body(), path);
    }
  }

  /** The raw target a NUL rewrite carries cannot be set by a client to change the key read. */
  @Test
  void aClientCannotForgeTheRawTarget() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
      socket
          .getOutputStream()
          .write(
              ("GET /v1/kv/a HTTP/1.1\r\nHost: x\r\n"
                      + NulPathConnectionFactory.RAW_TARGET
                      + ": /v1/kv/b\r\nConnection: close\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(
              socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.endsWith("\r\n\r\n61"), answer);
    }
  }

  /** A request line without a version, or with one not served, is malformed: 400, not 505. */
  @Test
  void aMissingOrUnknownHttpVersionIsABadRequest() throws Exception {
    for (String line :
        java.util.List.of("GET /health", "GET /health HTTP/1.2", "GET /health HTTP/9")) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
        socket
            .getOutputStream()
            .write(
                (line + "\r\nHost: x\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer =
            new String(
                socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(answer.startsWith("HTTP/1.1 400 "), line + ": " + answer);
        assertTrue(answer.contains("\"error\":\"bad_request\""), line + ": " + answer);
        assertTrue(answer.contains("HTTP/1.1 or HTTP/1.0"), line + ": " + answer);
      }
    }
  }

  /** Sends {@code head} and {@code body} on a connection that then ends; its whole answer. */
  private static String raw(String head, byte[] body) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", app.port())) {
      var out = socket.getOutputStream();
      try {
        out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(body);
        socket.shutdownOutput();
      } catch (java.io.IOException refusedMidway) {
        // answered and closed before the body was all sent: read the answer
      }
      return new String(
          socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * A body is read whole, declared or chunked; one over the limit is refused (413), unread when
   * declared; one that ends before its Content-Length is the client's error (400), never a value.
   */
  @Test
  void bodiesAreReadWholeWithinTheLimit() throws Exception {
    HttpRequest declared =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/v1/kv/echo"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000]))
            .build();
    assertEquals(
        "100000 bytes", client.send(declared, HttpResponse.BodyHandlers.ofString()).body());
    String chunked = "PUT /v1/kv/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    String answer = raw(chunked, "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n".getBytes());
    assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("5 bytes"), answer);

    long max = HttpServers.MAX_REQUEST_BYTES;
    answer =
        raw(
            "PUT /v1/kv/echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + (max + 1) + "\r\n\r\n",
            new byte[0]);
    assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("too_large"), answer);
    byte[] chunk = new byte[1 << 20];
    java.io.ByteArrayOutputStream over = new java.io.ByteArrayOutputStream();
    for (long sent = 0; sent <= max; sent += chunk.length) {
      over.write(("100000\r\n").getBytes());
      over.write(chunk);
      over.write("\r\n".getBytes());
    }
    over.write("0\r\n\r\n".getBytes());
    answer = raw(chunked, over.toByteArray());
    assertTrue(answer.startsWith("HTTP/1.1 413") && answer.contains("too_large"), answer);

    answer =
        raw(
            "PUT /v1/kv/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n",
            "short".getBytes());
    assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("bad_request"), answer);
  }

  /**
   * An answer is sent whole with its Content-Length, written into Jetty's buffer when it fits and
   * streamed by Javalin when it does not.
   */
  @Test
  void answersArriveWholeWithTheirLength() throws Exception {
    for (int size :
        new int[] {
          0, 17, HttpServers.BUFFERED_ANSWER_BYTES, HttpServers.BUFFERED_ANSWER_BYTES + 1, 3_000_000
        }) {
      HttpRequest r =
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + app.port() + "/v1/kv?limit=" + size))
              .build();
      HttpResponse<byte[]> answer = client.send(r, HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, answer.statusCode());
      assertEquals("text/plain", answer.headers().firstValue("Content-Type").orElseThrow());
      if (size <= HttpServers.BUFFERED_ANSWER_BYTES) {
        assertEquals(
            String.valueOf(size),
            answer.headers().firstValue("Content-Length").orElse("none"),
            answer.headers().toString());
      }
      assertEquals(size, answer.body().length);
      for (byte b : answer.body()) {
        assertEquals('a', b);
      }
    }
  }

  @Test
  void theNulRewriteKeepsSegmentsAndQueries() {
    assertEquals("/v1/kv/a%01b", NulPathConnectionFactory.withoutNul("/v1/kv/a%00b"));
    assertEquals("/v1/kv/%01?s=%00", NulPathConnectionFactory.withoutNul("/v1/kv/%00?s=%00"));
    assertEquals("/v1/kv/a?s=%00", NulPathConnectionFactory.withoutNul("/v1/kv/a?s=%00"));
  }

  @Test
  void errorsAreJson() throws Exception {
    HttpResponse<String> notFound = send("GET", "/nope");
    assertEquals(404, notFound.statusCode());
    assertTrue(notFound.body().contains("\"error\":\"not_found\""), notFound.body());
    HttpResponse<String> wrongMethod = send("DELETE", "/health");
    assertEquals(405, wrongMethod.statusCode());
    assertTrue(wrongMethod.body().contains("\"error\":\"method_not_allowed\""), wrongMethod.body());
    HttpResponse<String> thrown = send("POST", "/v1/batch");
    assertEquals(413, thrown.statusCode());
    assertEquals("{\"error\":\"too_large\",\"message\":\"too big\"}", thrown.body());
  }

  @Test
  void healthAndMetrics() throws Exception {
    assertEquals(200, send("GET", "/health").statusCode());
    HttpResponse<String> metrics = send("GET", "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(
        metrics
            .body()
            .contains(
                "objectkv_http_requests_total{process=\"test\",method=\"GET\",route=\"/health\",status=\"200\"}"),
        metrics.body());
  }
}
