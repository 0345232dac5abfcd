package io.objectkv.reader.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.core.model.Op;
import io.objectkv.format.Entry;
import io.objectkv.format.RangeTombstone;
import io.objectkv.reader.db.ReadSide;
import io.objectkv.reader.db.ReadSides;
import io.objectkv.reader.follow.ReadState;
import io.objectkv.reader.query.KeyRange;
import io.objectkv.reader.watch.ChangeFeed;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import io.objectkv.runtime.http.Headers;
import io.objectkv.runtime.http.Json;
import io.objectkv.runtime.http.PathKeys;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code GET /v1/watch}: the committed changes to a range as Server-Sent Events, one event per
 * batch in version order, each with its version as the event id. Starts after {@code Last-Event-ID}
 * when the client resumes, else at {@code fromVersion}, else after the version this replica serves
 * now. A comment line every heartbeat keeps quiet connections open; it names the version the watch
 * has reached ({@code : through N}), as header {@value #WATCH_AFTER} names where it started.
 */
public final class WatchRoute {
  /** The version a watch starts after (so a proxy can resume it elsewhere). */
  public static final String WATCH_AFTER = "X-ObjectKV-Watch-After";

  /** Events sent per write to the connection. */
  private static final int PAGE = 256;

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private final ReadSides sides;
  private final Duration heartbeat;

  public WatchRoute(ReadSides sides, Duration heartbeat) {
    this.sides = sides;
    this.heartbeat = heartbeat;
  }

  public void register(JavalinConfig config) {
    DatabasePaths.both("/v1/watch").forEach(path -> config.routes.get(path, this::watch));
  }

  /** The keys a watch covers: {@code key}, {@code prefix}, or {@code start} / {@code end}. */
  static KeyRange range(Map<String, byte[]> q) {
    byte[] key = q.get("key");
    if (key != null) {
      if (q.containsKey("prefix") || q.containsKey("start") || q.containsKey("end")) {
        throw ApiException.badRequest("watch one key, or a prefix, or start/end: not several");
      }
      ReaderRoutes.checkKey(key);
      return new KeyRange(key, Arrays.copyOf(key, key.length + 1));
    }
    KeyRange range = KeyRange.ALL;
    if (q.containsKey("prefix")) {
      if (q.containsKey("start") || q.containsKey("end")) {
        throw ApiException.badRequest("watch a prefix or start/end, not both");
      }
      range = KeyRange.prefix(q.get("prefix"));
    }
    return range.intersect(new KeyRange(q.get("start"), q.get("end")));
  }

  /** The version the stream starts after. */
  private static long after(Context ctx, ReadSide side) {
    String lastEventId = ctx.header("Last-Event-ID");
    if (lastEventId != null && !lastEventId.isBlank()) {
      return ReaderRoutes.nonNegative(lastEventId.strip(), "Last-Event-ID");
    }
    String from = ctx.queryParam("fromVersion");
    if (from != null) {
      return ReaderRoutes.nonNegative(from, "fromVersion") - 1;
    }
    ReadState s = side.tracker().state();
    if (s == null) {
      throw ApiException.unavailable("this reader is still loading the manifest; retry");
    }
    return s.appliedVersion();
  }

  private void watch(Context ctx) throws IOException, InterruptedException {
    KeyRange range = range(PathKeys.rawQuery(ctx.req().getQueryString()));
    ReadSide side = sides.of(ctx);
    ChangeFeed feed = side.feed();
    side.tracker().demand();
    long after = after(ctx, side);
    if (!feed.awaitStarted(START_TIMEOUT)) {
      throw ApiException.unavailable("the change feed is still starting; retry");
    }
    try {
      ChangeFeed.Page page;
      try {
        page = feed.read(after, range, PAGE, visible(side), Duration.ZERO);
      } catch (ChangeFeed.HistoryGone e) {
        throw new ApiException(
            410,
            "history_compacted",
            "the changes after version "
                + after
                + " are no longer held; start at version "
                + e.oldest()
                + " or later (or read the current values, then watch from the version they carry)",
            Map.of("oldestVersion", e.oldest()));
      }
      ctx.status(200);
      ctx.contentType("text/event-stream; charset=utf-8");
      ctx.header("Cache-Control", "no-cache");
      ctx.header(Headers.APPLIED_VERSION, Long.toString(visible(side)));
      ctx.header(WATCH_AFTER, Long.toString(after));
      OutputStream out = ctx.res().getOutputStream();
      out.write(": watching\n\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      stream(ctx, side, out, range, page);
    } catch (IOException e) {
      // the client went away
    } catch (InterruptedException e) {
      // this reader is shutting down: the stream ends, and the client resumes elsewhere
      Thread.currentThread().interrupt();
    }
  }

  private void stream(
      Context ctx, ReadSide side, OutputStream out, KeyRange range, ChangeFeed.Page page)
      throws IOException, InterruptedException {
    long quietSince = System.nanoTime();
    while (true) {
      sides.of(ctx); // a database being watched is in use
      side.tracker().demand(); // and its replica follows the log eagerly
      if (!page.events().isEmpty()) {
        StringBuilder text = new StringBuilder();
        for (ChangeFeed.Event e : page.events()) {
          text.append("id: ")
              .append(e.version())
              .append("\ndata: ")
              .append(new String(Json.bytes(json(e)), StandardCharsets.UTF_8))
              .append("\n\n");
        }
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= heartbeat.toNanos()) {
        // A comment, ignored by clients; it says how far the watch got (a proxy resumes there).
        out.write((": through " + page.through() + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        quietSince = System.nanoTime();
      }
      Duration wait = heartbeat.minusNanos(System.nanoTime() - quietSince);
      try {
        page =
            side.feed()
                .read(
                    page.through(),
                    range,
                    PAGE,
                    visible(side),
                    wait.isNegative() ? Duration.ZERO : min(wait, Duration.ofSeconds(1)));
      } catch (ChangeFeed.HistoryGone e) {
        ObjectNode error = Json.object();
        error.put("error", "history_compacted");
        error.put("oldestVersion", e.oldest());
        out.write(
            ("event: error\ndata: "
                    + new String(Json.bytes(error), StandardCharsets.UTF_8)
                    + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        return;
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** The newest version this replica serves: a watch shows nothing a read here could not. */
  private static long visible(ReadSide side) {
    ReadState s = side.tracker().state();
    return s == null ? -1 : s.appliedVersion();
  }

  static ObjectNode json(ChangeFeed.Event e) {
    ObjectNode event = Json.object();
    event.put("version", e.version());
    ArrayNode changes = event.putArray("changes");
    for (Entry w : e.writes()) {
      ObjectNode change = changes.addObject();
      Json.putBytes(change, "key", w.key());
      if (w.isTombstone()) {
        change.put("deleted", true);
      } else {
        Json.putBytes(change, "value", w.value());
        if (w.expires()) {
          change.put("expiresAt", ReaderRoutes.expiresAt(w));
        }
      }
    }
    for (RangeTombstone t : e.deletedRanges()) {
      ObjectNode range = changes.addObject().putObject("deletedRange");
      Json.putBytes(range, "start", t.start());
      // A range to the end of the keyspace has no end a client could name.
      if (!Arrays.equals(t.end(), Op.DeleteRange.END_OF_KEYS)) {
        Json.putBytes(range, "end", t.end());
      } else {
        range.putNull("end");
      }
    }
    return event;
  }
}
