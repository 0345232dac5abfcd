package io.objectkv.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;

/**
 * A client of ObjectKV's HTTP API. Every write carries a request id, so it is retried after a lost
 * answer or a 503 without ever being applied twice. Thread-safe; share one per process.
 *
 * <pre>{@code
 * try (var kv = ObjectKvClient.connect("http://127.0.0.1:8080")) {
 *   long v = kv.put("greeting", "hello");
 *   kv.put("greeting", "hello again", Precondition.ifVersion(v));
 *   kv.get("greeting", Consistency.atLeast(v)).ifPresent(e -> System.out.println(e.valueString()));
 * }
 * }</pre>
 */
public final class ObjectKvClient implements AutoCloseable {
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final int attempts;
  private final String token;

  /** Where this client's database's endpoints are: {@code v1/}, or {@code v1/db/<name>/}. */
  private final String api;

  private ObjectKvClient(Builder b) {
    this.api = b.database == null ? "v1/" : "v1/db/" + b.database + "/";
    this.base = URI.create(b.url.endsWith("/") ? b.url : b.url + "/");
    this.timeout = b.timeout;
    this.attempts = b.attempts;
    this.token = b.token;
    HttpClient.Builder http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5));
    if (b.tls != null) {
      http.sslContext(b.tls);
    }
    this.http = http.build();
  }

  public static ObjectKvClient connect(String url) {
    return builder(url).build();
  }

  /**
   * @param timeout the time one HTTP request may take
   * @param attempts how many times a request is sent before giving up
   */
  public static ObjectKvClient connect(String url, Duration timeout, int attempts) {
    return builder(url).timeout(timeout).attempts(attempts).build();
  }

  public static Builder builder(String url) {
    return new Builder(url);
  }

  /** How to reach a deployment: its URL, a token when it requires one, whom to trust over TLS. */
  public static final class Builder {
    private final String url;
    private Duration timeout = Duration.ofSeconds(30);
    private int attempts = 5;
    private String token;
    private String database;
    private javax.net.ssl.SSLContext tls;

    private Builder(String url) {
      this.url = url;
    }

    /** The time one HTTP request may take. */
    public Builder timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** How many times a request is sent before giving up. */
    public Builder attempts(int n) {
      this.attempts = n;
      return this;
    }

    /** The bearer token sent with every request. */
    public Builder token(String t) {
      this.token = t == null || t.isBlank() ? null : t;
      return this;
    }

    /**
     * The database this client reads and writes ({@code /v1/db/{db}/...}); unset or {@code
     * default}: the default database (the v1 paths).
     */
    public Builder database(String db) {
      if (db != null && !db.isBlank() && !db.matches("[a-z0-9][a-z0-9-]{0,62}")) {
        throw new IllegalArgumentException(
            "a database name is 1-63 of a-z, 0-9 and '-', starting with a letter or digit: " + db);
      }
      this.database = db == null || db.isBlank() || db.equals("default") ? null : db;
      return this;
    }

    /** Trust the certificates of this PEM file (a private CA or a self-signed server). */
    public Builder trust(java.nio.file.Path pem) {
      this.tls = Trust.of(pem);
      return this;
    }

    public ObjectKvClient build() {
      return new ObjectKvClient(this);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ---- writes

  /** Writes the value; returns its version. */
  public long put(String key, String value) {
    return put(utf8(key), utf8(value), Precondition.none());
  }

  public long put(String key, String value, Precondition p) {
    return put(utf8(key), utf8(value), p);
  }

  /** Writes the value if {@code p} holds; an empty value deletes. */
  public long put(byte[] key, byte[] value, Precondition p) {
    return write(Batch.create().put(key, value, p));
  }

  /** Writes the value, which expires {@code ttl} after it commits; returns its version. */
  public long put(String key, String value, java.time.Duration ttl) {
    return write(Batch.create().put(utf8(key), utf8(value), Precondition.none(), ttl));
  }

  /** Deletes every key that starts with {@code prefix}, as one operation; returns its version. */
  public long deletePrefix(String prefix) {
    return write(Batch.create().deletePrefix(utf8(prefix)));
  }

  public long delete(String key) {
    return delete(utf8(key), Precondition.none());
  }

  public long delete(byte[] key, Precondition p) {
    return write(Batch.create().delete(key, p));
  }

  /**
   * Applies the batch atomically.
   *
   * @return the version of every key it wrote
   * @throws ConditionFailedException if a condition failed (nothing was written)
   */
  public long write(Batch batch) {
    String body = batch.toJson(batch.requestIdOr(UUID.randomUUID().toString()));
    Map<String, Object> answer =
        json(send("POST", api + "batch", body.getBytes(StandardCharsets.UTF_8), true));
    return ((Number) answer.get("version")).longValue();
  }

  // ---- reads

  public Optional<KeyValue> get(String key) {
    return get(utf8(key), Consistency.eventual());
  }

  public Optional<KeyValue> get(String key, Consistency c) {
    return get(utf8(key), c);
  }

  public Optional<KeyValue> get(byte[] key, Consistency c) {
    HttpResponse<byte[]> r;
    try {
      r = send("GET", api + "kv/" + encode(key) + c.query('?'), null, false);
    } catch (ObjectKvException e) {
      if (e.status() == 404 && !e.code().equals("no_such_database")) {
        return Optional.empty();
      }
      throw e;
    }
    String etag = r.headers().firstValue("ETag").orElseThrow();
    return Optional.of(new KeyValue(key, r.body(), Long.parseLong(etag.replace("\"", ""))));
  }

  /** Many keys at once; the answer has one element per key, in order. */
  public List<Optional<KeyValue>> getAll(List<byte[]> keys, Consistency c) {
    List<Object> encoded = new ArrayList<>();
    keys.forEach(k -> encoded.add(Base64.getEncoder().encodeToString(k)));
    String body = Json.write(Map.of("keysBase64", encoded));
    Map<String, Object> answer =
        json(
            send("POST", api + "get" + c.query('?'), body.getBytes(StandardCharsets.UTF_8), false));
    List<Optional<KeyValue>> out = new ArrayList<>();
    for (Object item : (List<?>) answer.get("items")) {
      Map<?, ?> m = (Map<?, ?>) item;
      out.add(Boolean.FALSE.equals(m.get("found")) ? Optional.empty() : Optional.of(keyValue(m)));
    }
    return out;
  }

  /** Keys in a range or with a prefix, in order (or reverse), fetched a page at a time. */
  public Iterator<KeyValue> scan(Scan scan) {
    return new Iterator<>() {
      private List<KeyValue> page = List.of();
      private int next;
      private String cursor;
      private boolean done;

      private void fill() {
        while (next >= page.size() && !done) {
          Map<String, Object> answer =
              json(
                  send(
                      "GET",
                      api + "kv?" + scan.query() + (cursor == null ? "" : "&cursor=" + cursor),
                      null,
                      false));
          List<KeyValue> items = new ArrayList<>();
          for (Object item : (List<?>) answer.get("items")) {
            items.add(keyValue((Map<?, ?>) item));
          }
          page = items;
          next = 0;
          cursor = (String) answer.get("cursor");
          done = cursor == null;
        }
      }

      @Override
      public boolean hasNext() {
        fill();
        return next < page.size();
      }

      @Override
      public KeyValue next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(next++);
      }
    };
  }

  /**
   * The committed changes to the keys of {@code range} (its prefix, or start and end; direction,
   * page size and consistency do not matter), one event per batch in version order, from version
   * {@code fromVersion} on ({@code -1}: from now).
   */
  public Watch watch(Scan range, long fromVersion) {
    StringBuilder q = new StringBuilder(api + "watch?");
    if (range.prefix() != null) {
      q.append("prefix=").append(encode(range.prefix())).append('&');
    }
    if (range.start() != null) {
      q.append("start=").append(encode(range.start())).append('&');
    }
    if (range.end() != null) {
      q.append("end=").append(encode(range.end())).append('&');
    }
    if (fromVersion >= 0) {
      q.append("fromVersion=").append(fromVersion);
    }
    URI uri = base.resolve(q.toString());
    return new Watch(
        lastEventId -> {
          HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET();
          if (token != null) {
            b.header("Authorization", "Bearer " + token);
          }
          if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
          }
          return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        },
        attempts);
  }

  /** The database status as {@code GET /v1/status} reports it. */
  public Map<String, Object> status() {
    return json(send("GET", api + "status", null, false));
  }

  /** The status as the server wrote it (JSON). */
  public String statusJson() {
    return new String(send("GET", api + "status", null, false).body(), StandardCharsets.UTF_8);
  }

  // ---- databases (an admin token where the deployment requires tokens)

  /** Creates the database; true if this call created it, false if it existed. */
  public boolean createDatabase(String name) {
    return send("PUT", "v1/db/" + name, null, true).statusCode() == 201;
  }

  /** Every database's name, the default one included. */
  @SuppressWarnings("unchecked")
  public List<String> databases() {
    List<Map<String, Object>> all =
        (List<Map<String, Object>>) json(send("GET", "v1/db", null, false)).get("databases");
    return all.stream().map(d -> (String) d.get("name")).toList();
  }

  /** Drops the database: its keys are gone at once, its storage after the GC grace period. */
  public void dropDatabase(String name) {
    send("DELETE", "v1/db/" + name, null, true);
  }

  // ---- plumbing

  private static KeyValue keyValue(Map<?, ?> m) {
    byte[] key =
        m.containsKey("key")
            ? utf8((String) m.get("key"))
            : Base64.getDecoder().decode((String) m.get("keyBase64"));
    byte[] value =
        m.containsKey("value")
            ? utf8((String) m.get("value"))
            : Base64.getDecoder().decode((String) m.get("valueBase64"));
    return new KeyValue(key, value, ((Number) m.get("version")).longValue());
  }

  private static String encode(byte[] key) {
    return KeyPaths.encode(key);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(HttpResponse<byte[]> r) {
    return (Map<String, Object>) Json.parse(new String(r.body(), StandardCharsets.UTF_8));
  }

  /**
   * Sends a request, retrying connection failures and 503s ({@code retryWrites}: the request
   * carries a request id, so a retry is answered with the first outcome).
   */
  private HttpResponse<byte[]> send(String method, String path, byte[] body, boolean retryWrites) {
    ObjectKvException last = null;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(base.resolve(path))
              .timeout(timeout)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      try {
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() < 300 || r.statusCode() == 304) {
          return r;
        }
        last = error(r);
        if (r.statusCode() != 503
            || (method.equals("POST") && path.equals(api + "batch") && !retryWrites)) {
          throw last;
        }
      } catch (IOException e) {
        last = new ObjectKvException(0, "unreachable", base + " did not answer: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ObjectKvException(0, "interrupted", "interrupted");
      }
      backoff(attempt);
    }
    throw last;
  }

  private static void backoff(int attempt) {
    try {
      Thread.sleep(Math.min(2000, 50L << attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ObjectKvException error(HttpResponse<byte[]> r) {
    Map<?, ?> m;
    try {
      m = (Map<?, ?>) Json.parse(new String(r.body(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return new ObjectKvException(
          r.statusCode(), "http_" + r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    }
    String code = String.valueOf(m.get("error"));
    String message = String.valueOf(m.get("message"));
    if (code.equals("condition_failed")) {
      Object index = m.get("index");
      Object current = m.get("currentVersion");
      return new ConditionFailedException(
          r.statusCode(),
          message,
          index == null ? 0 : ((Number) index).intValue(),
          String.valueOf(m.get("reason")),
          current == null ? null : ((Number) current).longValue());
    }
    return new ObjectKvException(r.statusCode(), code, message);
  }

  @Override
  public void close() {
    http.close();
  }

  /** What to scan: a prefix or a range, a direction, a page size and a consistency. */
  public record Scan(
      byte[] prefix,
      byte[] start,
      byte[] end,
      boolean reverse,
      int pageSize,
      Consistency consistency) {
    public static Scan prefix(String prefix) {
      return new Scan(utf8(prefix), null, null, false, 100, Consistency.eventual());
    }

    public static Scan range(String start, String end) {
      return new Scan(
          null,
          start == null ? null : utf8(start),
          end == null ? null : utf8(end),
          false,
          100,
          Consistency.eventual());
    }

    public Scan reversed() {
      return new Scan(prefix, start, end, !reverse, pageSize, consistency);
    }

    public Scan pageSize(int n) {
      return new Scan(prefix, start, end, reverse, n, consistency);
    }

    public Scan with(Consistency c) {
      return new Scan(prefix, start, end, reverse, pageSize, c);
    }

    String query() {
      StringBuilder q = new StringBuilder("limit=").append(pageSize);
      if (prefix != null) {
        q.append("&prefix=").append(encode(prefix));
      }
      if (start != null) {
        q.append("&start=").append(encode(start));
      }
      if (end != null) {
        q.append("&end=").append(encode(end));
      }
      if (reverse) {
        q.append("&reverse=true");
      }
      return q + consistency.query('&');
    }
  }
}
