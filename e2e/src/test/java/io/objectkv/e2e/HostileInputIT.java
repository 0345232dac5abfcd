package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.reader.ReaderMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against the gateway and a reader: generated requests with random methods and paths,
 * broken and exotic percent-encoding, NUL and invalid UTF-8, very long paths, huge and repeated
 * headers, garbage conditional headers, truncated, deeply nested and mistyped JSON, lone
 * surrogates, bad base64, bad cursors and limits, oversized bodies with and without Content-Length,
 * chunked and broken chunked bodies. Every one must get an answer below 500, none may hang or be
 * reset, and the database must work as before afterwards.
 */
class HostileInputIT {
  static Cluster cluster;
  static Api gateway;
  static ReaderMain.Reader reader;
  @org.junit.jupiter.api.io.TempDir static java.nio.file.Path cache;

  @BeforeAll
  static void start() throws IOException {
    cluster = new Cluster("hostile");
    cluster.startActiveWriter();
    reader = cluster.startReader(cache);
    gateway = cluster.startGateway();
  }

  @AfterAll
  static void stop() throws Exception {
    cluster.close();
  }

  private static final List<String> PATHS =
      List.of(
          "/v1/kv/a",
          "/v1/kv/",
          "/v1/kv",
          "/v1/batch",
          "/v1/get",
          "/health",
          "/metrics",
          "/v1/status",
          "/v1/kv/%00",
          "/v1/kv/%zz",
          "/v1/kv/%u0041",
          "/v1/kv/%",
          "/v1/kv/%4",
          "/v1/kv/%FF%FE%00",
          "/v1/kv/a%2Fb%25c",
          "/v1/kv?prefix=%zz",
          "/v1/kv?start=b&end=a",
          "/v1/kv?limit=-1",
          "/v1/kv?limit=99999999999999999999999",
          "/v1/kv?limit=abc",
          "/v1/kv?cursor=!!!",
          "/v1/kv?cursor=" + "A".repeat(10_000),
          "/v1/kv?reverse=maybe",
          "/v1/kv?a=%zz",
          "/v1/kv/a?consistency=weird",
          "/v1/kv/a?minVersion=-5",
          "/v1/kv/a?minVersion=1e9",
          "/v1/kv/a?timeoutMs=99999999999999",
          "/v1/kv/a?consistency=strong&timeoutMs=1",
          "/nope",
          "//v1//kv//a",
          "/v1/kv/../../etc/passwd",
          "*");

  private static final List<String> METHODS =
      List.of(
          "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "TRACE", "BREW", "G\u00c9T");

  private static final List<String> BODIES =
      List.of(
          "",
          "{",
          "{\"ops\": [",
          "[]",
          "null",
          "\"x\"",
          "{\"ops\": \"x\"}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"\\ud800\", \"value\": \"v\"}]}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"\\udfff\"}]}",
          "{\"ops\": [{\"op\": \"put\", \"keyBase64\": \"!!!\", \"value\": \"v\"}]}",
          "{\"ops\": [{\"op\": \"put\", \"key\": 5, \"value\": \"v\"}]}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"v\", \"ifVersion\": \"x\"}]}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"v\", \"ifVersion\": -1}]}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"v\", \"if\": \"sometimes\"}]}",
          "{\"ops\": [{\"op\": \"explode\", \"key\": \"a\"}]}",
          "{\"ops\": [], \"requestId\": \"\"}",
          "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"v\"}], \"requestId\": \"\\ud800\"}",
          "{\"keys\": [\"\\ud800\"]}",
          "{\"keys\": \"a\"}",
          "{\"keys\": [1, 2]}",
          "{\"keysBase64\": [\"%%%\"]}",
          "{\"keys\": [\"a\"], \"extra\": 1}",
          "[".repeat(5000) + "]".repeat(5000),
          "{\"a\":".repeat(3000) + "1" + "}".repeat(3000),
          "\u0000\u0001\u0002");

  private static final List<String> HEADERS =
      List.of(
          "If-Match: \"abc\"",
          "If-Match: \"-1\"",
          "If-Match: W/\"1\"",
          "If-Match: *, \"1\"",
          "If-None-Match: \"1\"",
          "If-None-Match: garbage",
          "If-Match: \"1\"\r\nIf-None-Match: *",
          "If-Match: \"1\"\r\nIf-Match: \"2\"",
          "Idempotency-Key: " + "x".repeat(1000),
          "Idempotency-Key: ",
          "Content-Type: text/plain",
          "Expect: 100-continue",
          "X-Huge: " + "h".repeat(100_000),
          "Transfer-Encoding: gzip",
          "Content-Length: -5",
          "Content-Length: abc");

  @Test
  void tenThousandHostileRequestsGetNoServerError() throws Exception {
    Random rnd = new Random(20261201);
    Map<String, Integer> byStatus = new TreeMap<>();
    int resets = 0;
    int hangs = 0;
    int timeouts = 0;
    List<String> serverErrorRequests = new ArrayList<>();
    List<Integer> ports = List.of(port(gateway), reader.port());
    for (int i = 0; i < 10_000; i++) {
      int port = ports.get(i % 2);
      String server = port == ports.get(0) ? "gateway" : "reader";
      byte[] request = request(rnd, i);
      Answer answer;
      try {
        answer = send(port, request, rnd.nextInt(20) == 0);
      } catch (SocketTimeoutException e) {
        hangs++;
        answer = new Answer("hang", "");
        System.out.println("hang: " + preview(request));
      } catch (IOException e) {
        // Once in thousands of runs a connection closed with nothing read, a race of the close
        // with our writes; the same request on a new connection tells a race from a defect.
        System.out.println("reset once (" + e + "): " + preview(request));
        try {
          answer = send(port, request, false);
          byStatus.merge("answered after one reset", 1, Integer::sum);
        } catch (IOException again) {
          resets++;
          answer = new Answer("reset", "");
          System.out.println("reset twice (" + again + "): " + preview(request));
        }
      }
      String status = answer.status();
      byStatus.merge(server + " " + status, 1, Integer::sum);
      if (answer.start().contains("HTTP/1.1 or HTTP/1.0")) {
        // Every request here says HTTP/1.1: a version refusal means the server misread one (once
        // seen in CI as a 505, before such refusals were 400s). Counted, to show in the report.
        byStatus.merge("version refused", 1, Integer::sum);
        System.out.println(
            "version refused: " + preview(request) + "\n  answered: " + answer.start());
      }
      if (status.equals("504") && preview(request).contains("timeoutMs=1 ")) {
        timeouts++;
      } else if (status.startsWith("5")) {
        serverErrorRequests.add(
            status
                + " from the "
                + server
                + " for request "
                + i
                + ": "
                + preview(request)
                + "\n  answered: "
                + answer.start());
      }
    }
    System.out.println("hostile requests by answer: " + byStatus);
    // A read that cannot reach its consistency within its own timeoutMs gets 504 by contract
    // (API.md), and only such reads ask for timeoutMs=1: every other answer >= 500 is a defect.
    long serverErrors =
        byStatus.entrySet().stream()
            .filter(e -> e.getKey().matches(".* 5\\d\\d") && !e.getKey().endsWith(" 504"))
            .mapToInt(Map.Entry::getValue)
            .sum();
    assertEquals(
        timeouts,
        byStatus.entrySet().stream()
            .filter(e -> e.getKey().endsWith(" 504"))
            .mapToInt(Map.Entry::getValue)
            .sum(),
        "504 only for reads asking for timeoutMs=1:\n" + String.join("\n", serverErrorRequests));
    // The requests themselves go in the message: CI shows the failure, not the test's output.
    assertEquals(
        0,
        serverErrors,
        "answers >= 500: " + byStatus + "\n" + String.join("\n", serverErrorRequests));
    assertEquals(0, hangs, "hangs");
    assertEquals(0, resets, "connections reset without an answer");
    assertEquals(200, gateway.put("after-fuzz", "still works").status());
    assertEquals(
        "still works", gateway.send("GET", "/v1/kv/after-fuzz?consistency=strong", null).body());
  }

  private static int port(Api api) {
    return java.net.URI.create(api.base()).getPort();
  }

  private static String preview(byte[] request) {
    String s = new String(request, 0, Math.min(200, request.length), StandardCharsets.ISO_8859_1);
    return s.replace("\r\n", " | ");
  }

  /** One generated request, whole, as bytes on the wire. */
  static byte[] request(Random rnd, int i) {
    String method = METHODS.get(rnd.nextInt(METHODS.size()));
    String path =
        switch (rnd.nextInt(6)) {
          case 0 -> "/v1/kv/" + "%41".repeat(1 + rnd.nextInt(33_000)); // 4 KB - 100 KB paths
          case 1 -> "/v1/kv/" + "k".repeat(1 + rnd.nextInt(5000));
          default -> PATHS.get(rnd.nextInt(PATHS.size()));
        };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] body = BODIES.get(rnd.nextInt(BODIES.size())).getBytes(StandardCharsets.UTF_8);
    if (rnd.nextInt(15) == 0) {
      body = new byte[(5 << 20) + rnd.nextInt(1 << 20)]; // over the 4 MiB batch limit
    }
    String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    write(out, head);
    if (rnd.nextInt(20) == 0) {
      out.write(0x80); // a raw byte that is not ASCII in a header line
      write(out, "X-Raw: \u00ff\r\n");
    }
    for (int h = rnd.nextInt(3); h > 0; h--) {
      write(out, HEADERS.get(rnd.nextInt(HEADERS.size())) + "\r\n");
    }
    write(out, "Connection: close\r\n");
    switch (rnd.nextInt(5)) {
      case 0 -> { // chunked, sometimes broken
        write(out, "Transfer-Encoding: chunked\r\n\r\n");
        if (rnd.nextBoolean()) {
          write(out, Integer.toHexString(body.length) + "\r\n");
          out.writeBytes(body);
          write(out, "\r\n0\r\n\r\n");
        } else {
          write(out, "zz\r\n" + "garbage");
        }
      }
      case 1 -> { // no Content-Length at all
        write(out, "\r\n");
        out.writeBytes(body);
      }
      case 2 -> { // a Content-Length longer than the body
        write(out, "Content-Length: " + (body.length + 1 + rnd.nextInt(1000)) + "\r\n\r\n");
        out.writeBytes(body);
      }
      default -> {
        write(out, "Content-Length: " + body.length + "\r\n\r\n");
        out.writeBytes(body);
      }
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** The status code of an answer, and the answer's start as text, for reports. */
  record Answer(String status, String start) {}

  /** Sends a request and returns the status code of the answer's first line, and its start. */
  static Answer send(int port, byte[] request, boolean slowly) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      try {
        if (slowly) {
          for (int i = 0; i < request.length; i += 1 << 14) {
            out.write(request, i, Math.min(1 << 14, request.length - i));
            out.flush();
          }
        } else {
          out.write(request);
        }
        out.flush();
        s.shutdownOutput(); // the body ends here, whatever its headers said
      } catch (IOException refusedMidway) {
        // The server answered and closed before reading everything (a 413, a 431): read it.
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b; (b = in.read()) != -1 && b != '\n'; ) {
        line.write(b);
      }
      String first = line.toString(StandardCharsets.ISO_8859_1);
      if (!first.startsWith("HTTP/1.1 ")) {
        throw new IOException("no status line, got '" + first + "'");
      }
      String status = first.substring(9, 12);
      if (!status.startsWith("5") && !status.equals("400")) {
        return new Answer(status, first);
      }
      // A server error or a refusal: keep what it said (its reason is in the body) for the report.
      byte[] rest = new byte[600];
      int n = 0;
      try {
        for (int r; n < rest.length && (r = in.read(rest, n, rest.length - n)) != -1; ) {
          n += r;
        }
      } catch (IOException cutShort) {
        // What arrived is enough for a report.
      }
      String text = first + " | " + new String(rest, 0, n, StandardCharsets.ISO_8859_1);
      return new Answer(status, text.replace("\r\n", " | "));
    }
  }
}
