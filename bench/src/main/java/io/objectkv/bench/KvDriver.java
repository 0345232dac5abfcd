package io.objectkv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP client's view of a key-value store, the same operations on ObjectKV and on etcd so that
 * {@link VsEtcd} drives both alike. Keys and values are ASCII; every call throws when the store
 * does not answer as expected, so a step counts only what succeeded.
 */
sealed interface KvDriver {
  Duration TIMEOUT = Duration.ofSeconds(10);

  String name();

  void put(String key, String value) throws Exception;

  /** A read of what the replica has (ObjectKV eventual, etcd serializable); null when absent. */
  String get(String key) throws Exception;

  /** A linearizable read; null when absent. */
  String strongGet(String key) throws Exception;

  /** Adds one to a counter with a strong read and a compare-and-set: false if another won. */
  boolean tryIncrement(String key) throws Exception;

  /** ObjectKV through its gateway. */
  record ObjectKv(HttpClient http, URI gateway) implements KvDriver {
    private static final Pattern VERSION = Pattern.compile("\"(\\d+)\"");

    @Override
    public String name() {
      return "ObjectKV";
    }

    @Override
    public void put(String key, String value) throws Exception {
      expect(send(HttpRequest.newBuilder(uri(key, "")).PUT(body(value))), 200);
    }

    @Override
    public String get(String key) throws Exception {
      return read(key, "");
    }

    @Override
    public String strongGet(String key) throws Exception {
      return read(key, "?consistency=strong");
    }

    private String read(String key, String query) throws Exception {
      HttpResponse<String> r = send(HttpRequest.newBuilder(uri(key, query)).GET());
      return r.statusCode() == 404 ? null : expect(r, 200).body();
    }

    @Override
    public boolean tryIncrement(String key) throws Exception {
      HttpResponse<String> read =
          send(HttpRequest.newBuilder(uri(key, "?consistency=strong")).GET());
      HttpRequest.Builder write = HttpRequest.newBuilder(uri(key, ""));
      long next;
      if (read.statusCode() == 404) {
        write.header("If-None-Match", "*");
        next = 1;
      } else {
        Matcher m = VERSION.matcher(expect(read, 200).headers().firstValue("ETag").orElse(""));
        if (!m.matches()) {
          throw new IllegalStateException("no ETag on " + key);
        }
        write.header("If-Match", "\"" + m.group(1) + "\"");
        next = Long.parseLong(read.body()) + 1;
      }
      HttpResponse<String> r = send(write.PUT(body(Long.toString(next))));
      return r.statusCode() != 412 && expect(r, 200) != null;
    }

    private URI uri(String key, String query) {
      return gateway.resolve("/v1/kv/" + key + query);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
      return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** etcd 3.4 through its v3 JSON gateway (keys and values in base64). */
  record Etcd(HttpClient http, URI endpoint) implements KvDriver {
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");
    private static final Pattern MOD = Pattern.compile("\"mod_revision\":\"(\\d+)\"");

    @Override
    public String name() {
      return "etcd";
    }

    @Override
    public void put(String key, String value) throws Exception {
      post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64(value) + "\"}");
    }

    @Override
    public String get(String key) throws Exception {
      return value(range(key, true));
    }

    @Override
    public String strongGet(String key) throws Exception {
      return value(range(key, false));
    }

    @Override
    public boolean tryIncrement(String key) throws Exception {
      String read = range(key, false);
      Matcher mod = MOD.matcher(read);
      String v = value(read);
      long revision = mod.find() ? Long.parseLong(mod.group(1)) : 0; // 0: absent
      long next = v == null ? 1 : Long.parseLong(v) + 1;
      String txn =
          "{\"compare\":[{\"key\":\""
              + b64(key)
              + "\",\"result\":\"EQUAL\",\"target\":\"MOD\",\"mod_revision\":\""
              + revision
              + "\"}],\"success\":[{\"request_put\":{\"key\":\""
              + b64(key)
              + "\",\"value\":\""
              + b64(Long.toString(next))
              + "\"}}]}";
      return post("/v3/kv/txn", txn).contains("\"succeeded\":true");
    }

    private String range(String key, boolean serializable) throws Exception {
      return post(
          "/v3/kv/range",
          "{\"key\":\"" + b64(key) + "\"" + (serializable ? ",\"serializable\":true" : "") + "}");
    }

    private static String value(String rangeAnswer) {
      Matcher m = VALUE.matcher(rangeAnswer);
      return m.find()
          ? new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.US_ASCII)
          : null;
    }

    private String post(String path, String json) throws Exception {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(endpoint.resolve(path))
                  .timeout(TIMEOUT)
                  .POST(body(json))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return expect(r, 200).body();
    }

    private static String b64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static HttpRequest.BodyPublisher body(String s) {
    return HttpRequest.BodyPublishers.ofString(s, StandardCharsets.US_ASCII);
  }

  private static HttpResponse<String> expect(HttpResponse<String> r, int status) {
    if (r.statusCode() != status) {
      throw new IllegalStateException(
          r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
    }
    return r;
  }
}
