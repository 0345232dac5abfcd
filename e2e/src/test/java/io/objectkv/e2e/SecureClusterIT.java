package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.cli.Main;
import io.objectkv.client.ObjectKvClient;
import io.objectkv.client.ObjectKvException;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.http.Tls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster with bearer tokens and TLS on: every role and database scope as API.md says, the
 * gateway's own credentials on its calls to a reader over HTTPS, the Java client with a token, and
 * the token lines the CLI prints accepted by the processes.
 */
class SecureClusterIT {
  static final String ADMIN = "okv_admin-secret";
  static final String WRITER = "okv_writer-secret";
  static final String READER = "okv_reader-secret";
  static final String OTHER_DB = "okv_other-db-secret";
  static final String GATEWAY = "okv_gateway-secret";

  static Cluster cluster;
  static ReaderMain.Reader reader;
  static URI gateway;
  static HttpClient http;
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("secure");
    TestCertificate.make(dir);
    cluster = new Cluster("secure");
    Files.write(
        dir.resolve("tokens"),
        List.of(
            "# name role database hash",
            // lines as `objectkv token` prints them: the processes must accept them
            Main.tokenLine("ops", "admin", "*", ADMIN),
            Main.tokenLine("app", "write", cluster.database, WRITER),
            Main.tokenLine("dashboard", "read", cluster.database, READER),
            Main.tokenLine("elsewhere", "write", "other-db", OTHER_DB),
            Main.tokenLine("gateway", "read", "*", GATEWAY)));
    cluster.env.put(CommonSettings.AUTH_FILE.name(), dir.resolve("tokens").toString());
    cluster.env.put(CommonSettings.TLS_CERT.name(), dir.resolve("cert.pem").toString());
    cluster.env.put(CommonSettings.TLS_KEY.name(), dir.resolve("key.pem").toString());
    cluster.env.put(GatewayMain.READER_TOKEN.name(), GATEWAY);
    cluster.startActiveWriter();
    reader = cluster.startReader(dir.resolve("cache"));
    gateway = URI.create(cluster.startGateway().base());
    http =
        HttpClient.newBuilder()
            .sslContext(
                new Tls(dir.resolve("cert.pem"), dir.resolve("key.pem"), null).clientContext())
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  static HttpResponse<String> call(URI base, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void everyRoleAndScopeAsTheContractSays() throws Exception {
    assertTrue(gateway.toString().startsWith("https://"), gateway.toString());
    HttpResponse<String> anonymous = call(gateway, "PUT", "/v1/kv/k", null, "v");
    assertEquals(401, anonymous.statusCode(), anonymous.body());
    assertEquals("Bearer", anonymous.headers().firstValue("WWW-Authenticate").orElse(""));
    assertTrue(anonymous.body().contains("\"error\":\"unauthorized\""), anonymous.body());
    assertEquals(401, call(gateway, "GET", "/v1/kv/k", "okv_guessed", null).statusCode());
    assertEquals(200, call(gateway, "GET", "/health", null, null).statusCode(), "health is open");

    assertEquals(200, call(gateway, "PUT", "/v1/kv/k", WRITER, "v").statusCode());
    HttpResponse<String> readOnly = call(gateway, "PUT", "/v1/kv/k", READER, "v2");
    assertEquals(403, readOnly.statusCode(), readOnly.body());
    assertTrue(readOnly.body().contains("\"error\":\"forbidden\""), readOnly.body());
    assertEquals(403, call(gateway, "PUT", "/v1/kv/k", OTHER_DB, "v3").statusCode());
    assertEquals(403, call(gateway, "GET", "/v1/kv/k", OTHER_DB, null).statusCode());

    // Reads go through the gateway to the reader over HTTPS, with the gateway's own token.
    HttpResponse<String> read = call(gateway, "GET", "/v1/kv/k?consistency=strong", READER, null);
    assertEquals(200, read.statusCode(), read.body());
    assertEquals("v", read.body());
    assertEquals(200, call(gateway, "POST", "/v1/get", READER, "{\"keys\": [\"k\"]}").statusCode());

    URI direct = URI.create("https://127.0.0.1:" + reader.port() + "/");
    assertEquals(401, call(direct, "GET", "/v1/kv/k", null, null).statusCode(), "readers too");
    assertEquals(200, call(direct, "GET", "/v1/kv/k", READER, null).statusCode());

    assertEquals(403, call(gateway, "GET", "/metrics", WRITER, null).statusCode());
    assertEquals(200, call(gateway, "GET", "/metrics", ADMIN, null).statusCode());
  }

  @Test
  void theJavaClientSendsItsTokenAndTrustsTheCertificate() {
    try (ObjectKvClient kv =
        ObjectKvClient.builder(gateway.toString())
            .token(WRITER)
            .trust(dir.resolve("cert.pem"))
            .build()) {
      long v = kv.put("from-client", "hello");
      assertTrue(v >= 0);
    }
    try (ObjectKvClient kv =
        ObjectKvClient.builder(gateway.toString())
            .token(READER)
            .trust(dir.resolve("cert.pem"))
            .attempts(1)
            .build()) {
      assertThrows(ObjectKvException.class, () -> kv.put("from-client", "no"));
    }
  }
}
