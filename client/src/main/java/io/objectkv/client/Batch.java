package io.objectkv.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An atomic batch: operations applied all or none, conditions checked in order, each seeing the
 * effects of the ones before. The first failed condition aborts it.
 */
public final class Batch {
  private final List<Map<String, Object>> ops = new ArrayList<>();
  private String requestId;

  public static Batch create() {
    return new Batch();
  }

  private Batch op(String kind, byte[] key, byte[] value, Precondition p) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", kind);
    op.put("keyBase64", Base64.getEncoder().encodeToString(key));
    if (value != null) {
      op.put("valueBase64", Base64.getEncoder().encodeToString(value));
    }
    p.addTo(op);
    ops.add(op);
    return this;
  }

  /** Writes {@code value} (an empty value deletes). */
  public Batch put(byte[] key, byte[] value, Precondition p) {
    return op("put", key, value, p);
  }

  public Batch put(String key, String value) {
    return put(
        key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8),
        Precondition.none());
  }

  public Batch put(String key, String value, Precondition p) {
    return put(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), p);
  }

  /** Writes {@code value} (not empty), which expires {@code ttl} after the batch commits. */
  public Batch put(byte[] key, byte[] value, Precondition p, java.time.Duration ttl) {
    if (value.length == 0 || ttl.toMillis() < 1) {
      throw new IllegalArgumentException("a value with a ttl is not empty, its ttl at least 1 ms");
    }
    op("put", key, value, p);
    ops.getLast().put("ttlMs", ttl.toMillis());
    return this;
  }

  /** Deletes every key in {@code [start, end)}, however many, as one operation. */
  public Batch deleteRange(byte[] start, byte[] end) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "deleteRange");
    op.put("startBase64", Base64.getEncoder().encodeToString(start));
    op.put("endBase64", Base64.getEncoder().encodeToString(end));
    ops.add(op);
    return this;
  }

  /** Deletes every key that starts with {@code prefix}. */
  public Batch deletePrefix(byte[] prefix) {
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "deleteRange");
    op.put("prefixBase64", Base64.getEncoder().encodeToString(prefix));
    ops.add(op);
    return this;
  }

  public Batch delete(byte[] key, Precondition p) {
    return op("delete", key, null, p);
  }

  public Batch delete(String key, Precondition p) {
    return delete(key.getBytes(StandardCharsets.UTF_8), p);
  }

  /** Writes nothing; the batch proceeds only if {@code p} holds. */
  public Batch check(byte[] key, Precondition p) {
    if (p instanceof Precondition.None) {
      throw new IllegalArgumentException("a check needs a condition");
    }
    return op("check", key, null, p);
  }

  public Batch check(String key, Precondition p) {
    return check(key.getBytes(StandardCharsets.UTF_8), p);
  }

  /**
   * A batch in the API's JSON form ({@code {"ops": [...], "requestId": ...}}), e.g. from a file.
   * Its operations are passed on as written; the server validates them.
   */
  @SuppressWarnings("unchecked")
  public static Batch fromJson(String json) {
    Object parsed = Json.parse(json);
    if (!(parsed instanceof Map<?, ?> m) || !(m.get("ops") instanceof List<?> list)) {
      throw new IllegalArgumentException("a batch is a JSON object with an \"ops\" array");
    }
    Batch b = new Batch();
    for (Object op : list) {
      if (!(op instanceof Map<?, ?>)) {
        throw new IllegalArgumentException("each op is a JSON object");
      }
      b.ops.add((Map<String, Object>) op);
    }
    if (m.get("requestId") instanceof String id) {
      b.requestId = id;
    }
    return b;
  }

  /**
   * Appends one op written as in a batch's {@code "ops"} array, e.g. a line of a file to load; an
   * op without {@code "op"} is a put.
   *
   * @throws IllegalArgumentException if {@code json} is not a JSON object
   */
  @SuppressWarnings("unchecked")
  public Batch addJson(String json) {
    if (!(Json.parse(json) instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("an op is a JSON object");
    }
    Map<String, Object> op = new LinkedHashMap<>();
    op.put("op", "put");
    op.putAll((Map<String, Object>) m);
    ops.add(op);
    return this;
  }

  /** The id that makes retries of this batch safe (a fresh one is chosen when none is set). */
  public Batch requestId(String id) {
    this.requestId = id;
    return this;
  }

  String requestIdOr(String fresh) {
    return requestId == null ? fresh : requestId;
  }

  public int size() {
    return ops.size();
  }

  String toJson(String requestId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("requestId", requestId);
    body.put("ops", ops);
    return Json.write(body);
  }
}
