package io.objectkv.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.client.KeyPaths;
import io.objectkv.runtime.http.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client of the public HTTP API, as a test would use it. */
final class Api {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;

  /** The database the key and batch calls address; null: the default one (the v1 paths). */
  private final String database;

  Api(String base) {
    this(base, null);
  }

  private Api(String base, String database) {
    this.base = base;
    this.database = database;
  }

  /** The same server, with the key and batch calls under {@code /v1/db/{db}}. */
  Api in(String db) {
    return new Api(base, db);
  }

  /** A v1 path of this client's database. */
  String path(String v1Path) {
    return database == null ? v1Path : "/v1/db/" + database + v1Path.substring(3);
  }

  String base() {
    return base;
  }

  record Response(int status, HttpResponse<byte[]> raw) {
    String body() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    byte[] bytes() {
      return raw.body();
    }

    JsonNode json() {
      return Json.parse(raw.body());
    }

    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    long version() {
      return json().get("version").asLong();
    }

    @Override
    public String toString() {
      return status + " " + body();
    }
  }

  Response send(String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String kv(String key) {
    return "/v1/kv/" + KeyPaths.encode(key.getBytes(StandardCharsets.UTF_8));
  }

  static String kv(byte[] key) {
    return "/v1/kv/" + KeyPaths.encode(key);
  }

  Response put(String key, String value, String... headers) {
    return send("PUT", path(kv(key)), value.getBytes(StandardCharsets.UTF_8), headers);
  }

  Response delete(String key, String... headers) {
    return send("DELETE", path(kv(key)), null, headers);
  }

  Response get(String key, String... headers) {
    return send("GET", path(kv(key)), null, headers);
  }

  Response batch(String json) {
    return send(
        "POST",
        path("/v1/batch"),
        json.getBytes(StandardCharsets.UTF_8),
        "Content-Type",
        "application/json");
  }
}
