package io.objectkv.gateway.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.gateway.db.GatewayDatabases;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.Headers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /v1/watch} through the gateway: the stream of one reader replica, relayed line by
 * line. When that replica goes away mid-stream, the watch continues on another from the last event
 * the client got (or the last position a heartbeat named), so a reader restart costs the client
 * nothing: every event still arrives exactly once, in order.
 */
public final class WatchProxy {
  static final String WATCH_AFTER = "X-ObjectKV-Watch-After";

  /** How long a broken watch looks for a replica to continue on before it ends the stream. */
  private static final Duration RESUME_FOR = Duration.ofSeconds(15);

  private final ReadForwarder forwarder;
  private final GatewayDatabases databases;

  public WatchProxy(ReadForwarder forwarder, GatewayDatabases databases) {
    this.forwarder = forwarder;
    this.databases = databases;
  }

  public void register(JavalinConfig config) {
    DatabasePaths.both("/v1/watch").forEach(path -> config.routes.get(path, this::watch));
  }

  /** Where the relayed stream has got to: the version after which it continues. */
  private static final class Position {
    long after = -1;
  }

  private void watch(Context ctx) throws IOException, InterruptedException {
    String query = ctx.req().getQueryString();
    String path =
        DatabasePaths.in(databases.resolve(ctx), "/v1/watch") + (query == null ? "" : "?" + query);
    HttpResponse<InputStream> first = connect(path, ctx.header("Last-Event-ID"));
    if (first.statusCode() != 200) {
      try (InputStream body = first.body()) {
        ctx.status(first.statusCode());
        first.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
        ctx.result(body.readAllBytes());
      }
      return;
    }
    Position at = new Position();
    at.after = first.headers().firstValueAsLong(WATCH_AFTER).orElse(-1);
    ctx.status(200);
    ctx.contentType("text/event-stream; charset=utf-8");
    ctx.header("Cache-Control", "no-cache");
    for (String h : List.of(Headers.APPLIED_VERSION, WATCH_AFTER)) {
      first.headers().firstValue(h).ifPresent(v -> ctx.header(h, v));
    }
    OutputStream out = ctx.res().getOutputStream();
    HttpResponse<InputStream> replica = first;
    while (true) {
      boolean clientGone = relay(replica.body(), out, at);
      if (clientGone || at.after < 0) {
        return;
      }
      replica = resume(path, at.after, out);
      if (replica == null) {
        return;
      }
    }
  }

  /**
   * Copies one replica's stream to the client until either side ends it.
   *
   * @return true when the client went away, false when the replica did
   */
  private static boolean relay(InputStream from, OutputStream out, Position at) {
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
      StringBuilder event = new StringBuilder();
      long eventId = -1;
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("id: ")) {
          eventId = Long.parseLong(line.substring(4).strip());
        } else if (line.startsWith(": through ")) {
          eventId = Long.parseLong(line.substring(": through ".length()).strip());
        } else if (line.startsWith("event: error")) {
          eventId = -2; // the replica ended the watch on purpose: so does the client's stream
        }
        event.append(line).append('\n');
        if (line.isEmpty()) {
          if (!write(out, event)) {
            return true;
          }
          if (eventId == -2) {
            at.after = -1;
            return false;
          }
          if (eventId >= 0) {
            at.after = Math.max(at.after, eventId);
          }
          event.setLength(0);
          eventId = -1;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // the replica went away, or sent what we cannot follow: continue elsewhere
    }
    return false;
  }

  private static boolean write(OutputStream out, CharSequence text) {
    try {
      out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A replica that continues the watch after {@code after}, or null after telling the client. */
  private HttpResponse<InputStream> resume(String path, long after, OutputStream out)
      throws InterruptedException {
    long deadline = System.nanoTime() + RESUME_FOR.toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<InputStream> r;
      try {
        r = connect(path, Long.toString(after));
      } catch (ApiException e) {
        if (!write(out, ": looking for a replica\n\n")) {
          return null;
        }
        Thread.sleep(500);
        continue;
      }
      if (r.statusCode() == 200) {
        return r;
      }
      try (InputStream body = r.body()) {
        String error = new String(body.readAllBytes(), StandardCharsets.UTF_8).strip();
        write(out, "event: error\ndata: " + error + "\n\n");
      } catch (IOException e) {
        // the stream ends either way
      }
      return null;
    }
    write(
        out,
        "event: error\ndata: {\"error\": \"unavailable\", \"message\": \"no reader replica could"
            + " continue the watch; reconnect with Last-Event-ID\"}\n\n");
    return null;
  }

  /**
   * The first replica that accepts the watch: replicas that fail or answer 500/503 are skipped; a
   * replica that no longer holds the history asked for (410) is skipped too, since another may.
   * Throws 503 when none could answer.
   */
  private HttpResponse<InputStream> connect(String path, String lastEventId)
      throws InterruptedException {
    List<URI> replicas = forwarder.pool().any();
    if (replicas.isEmpty()) {
      throw ApiException.unavailable("no reader replicas are configured");
    }
    HttpResponse<InputStream> answer = null;
    String problem = "";
    for (URI replica : replicas) {
      try {
        HttpResponse<InputStream> r = forwarder.open(replica, path, "Last-Event-ID", lastEventId);
        int status = r.statusCode();
        if (status == 200) {
          if (answer != null) {
            closeQuietly(answer.body());
          }
          return r;
        }
        if (status == 500 || status == 503 || status == 410) {
          problem = replica + " answered " + status;
          if (status == 410 && answer == null) {
            answer = r; // the answer if no replica holds the history
            continue;
          }
          closeQuietly(r.body());
          continue;
        }
        if (answer != null) {
          closeQuietly(answer.body());
        }
        return r; // the request itself is wrong (400): every replica would say so
      } catch (IOException e) {
        problem = replica + ": " + e;
      }
    }
    if (answer != null) {
      return answer;
    }
    throw ApiException.unavailable(
        "no reader replica could take the watch (last: " + problem + ")");
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
