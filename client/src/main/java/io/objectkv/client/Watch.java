package io.objectkv.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A watch: the committed changes to a range, one {@link ChangeEvent} per batch, in version order.
 * {@link #next()} blocks until the next one. When the connection breaks, the watch reconnects and
 * resumes after the last version it reached ({@code Last-Event-ID}), so each event arrives once. It
 * ends with an {@link ObjectKvException} when the history it needs is gone (410) or the server
 * stays unreachable; close it to stop.
 */
public final class Watch implements Iterator<ChangeEvent>, AutoCloseable {
  /** Opens the stream, resuming after {@code lastEventId} (null: as the request says). */
  @FunctionalInterface
  interface Opener {
    HttpResponse<InputStream> open(String lastEventId) throws IOException, InterruptedException;
  }

  private final Opener opener;
  private final int attempts;
  private BufferedReader in;
  private volatile InputStream raw;
  private volatile long after = -1;
  private ChangeEvent next;
  private volatile boolean closed;

  /** Connects at once: a watch "from now" starts when it is made, not at its first read. */
  Watch(Opener opener, int attempts) {
    this.opener = opener;
    this.attempts = attempts;
    connect();
  }

  /** The version the watch has reached: every change up to it was delivered or is not watched. */
  public long position() {
    return after;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    while (next == null) {
      if (closed) {
        return false;
      }
      next = read();
    }
    return true;
  }

  @Override
  public ChangeEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the watch is closed");
    }
    ChangeEvent e = next;
    next = null;
    return e;
  }

  /** The next event, or null when the stream broke (it reconnects on the next call). */
  private ChangeEvent read() {
    if (in == null) {
      connect();
    }
    try {
      String id = null;
      String event = null;
      StringBuilder data = new StringBuilder();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isEmpty()) {
          if ("error".equals(event)) {
            throw failure(0, data.toString());
          }
          if (id != null && !data.isEmpty()) {
            ChangeEvent e = parse(data.toString());
            after = Math.max(after, e.version());
            return e;
          }
          id = null;
          event = null;
          data.setLength(0);
        } else if (line.startsWith("id:")) {
          id = line.substring(3).strip();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        } else if (line.startsWith(": through ")) {
          after = Math.max(after, Long.parseLong(line.substring(10).strip()));
        }
      }
    } catch (IOException | NumberFormatException e) {
      if (closed) {
        return null;
      }
    }
    closeStream();
    return null;
  }

  private void connect() {
    ObjectKvException last = null;
    for (int attempt = 1; attempt <= attempts && !closed; attempt++) {
      try {
        HttpResponse<InputStream> r = opener.open(after < 0 ? null : Long.toString(after));
        if (r.statusCode() == 200) {
          r.headers()
              .firstValueAsLong("X-ObjectKV-Watch-After")
              .ifPresent(v -> after = Math.max(after, v));
          raw = r.body();
          in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8));
          return;
        }
        String body;
        try (InputStream b = r.body()) {
          body = new String(b.readAllBytes(), StandardCharsets.UTF_8);
        }
        last = failure(r.statusCode(), body);
        if (r.statusCode() != 503 && r.statusCode() != 502) {
          throw last;
        }
      } catch (IOException e) {
        last = new ObjectKvException(0, "unreachable", "the watch cannot connect: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ObjectKvException(0, "interrupted", "interrupted");
      }
      try {
        Thread.sleep(Math.min(2000, 50L << attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ObjectKvException(0, "interrupted", "interrupted");
      }
    }
    throw last != null ? last : new ObjectKvException(0, "closed", "the watch is closed");
  }

  private static ObjectKvException failure(int status, String body) {
    try {
      Map<?, ?> m = (Map<?, ?>) Json.parse(body);
      String code = String.valueOf(m.get("error"));
      String message = m.get("message") == null ? code : String.valueOf(m.get("message"));
      if (m.get("oldestVersion") != null) {
        message += " (oldest version held: " + m.get("oldestVersion") + ")";
      }
      return new ObjectKvException(
          status != 0 ? status : code.equals("history_compacted") ? 410 : 503, code, message);
    } catch (RuntimeException e) {
      return new ObjectKvException(status, "http_" + status, body);
    }
  }

  private static ChangeEvent parse(String json) {
    Map<?, ?> m = (Map<?, ?>) Json.parse(json);
    List<ChangeEvent.Change> changes = new ArrayList<>();
    List<ChangeEvent.DeletedRange> ranges = new ArrayList<>();
    for (Object o : (List<?>) m.get("changes")) {
      Map<?, ?> c = (Map<?, ?>) o;
      if (c.get("deletedRange") instanceof Map<?, ?> r) {
        byte[] end = r.get("end") == null && r.get("endBase64") == null ? null : bytes(r, "end");
        ranges.add(new ChangeEvent.DeletedRange(bytes(r, "start"), end));
        continue;
      }
      byte[] key = bytes(c, "key");
      byte[] value = Boolean.TRUE.equals(c.get("deleted")) ? null : bytes(c, "value");
      changes.add(new ChangeEvent.Change(key, value));
    }
    return new ChangeEvent(((Number) m.get("version")).longValue(), changes, ranges);
  }

  private static byte[] bytes(Map<?, ?> m, String name) {
    return m.containsKey(name)
        ? ((String) m.get(name)).getBytes(StandardCharsets.UTF_8)
        : Base64.getDecoder().decode((String) m.get(name + "Base64"));
  }

  /** Closes the connection; safe from any thread (a blocked read then ends). */
  private void closeStream() {
    InputStream r = raw;
    raw = null;
    in = null;
    if (r != null) {
      try {
        r.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    closeStream();
  }
}
