package io.objectkv.gateway.write;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@code POST /v1/batch} body into a batch, refusing anything malformed (400) or beyond the
 * limits (413) before it reaches the log. Unknown fields are errors: a misspelt condition must not
 * silently become an unconditional write.
 */
public final class BatchJson {
  private BatchJson() {}

  private static final Set<String> TOP = Set.of("ops", "requestId");
  private static final Set<String> OP_FIELDS =
      Set.of(
          "op",
          "key",
          "keyBase64",
          "value",
          "valueBase64",
          "if",
          "ifVersion",
          "ifValue",
          "ifValueBase64",
          "ttlMs",
          "start",
          "startBase64",
          "end",
          "endBase64",
          "prefix",
          "prefixBase64");

  public static WriteBatch parse(byte[] body) {
    if (body.length > Limits.MAX_BATCH_BYTES) {
      throw ApiException.tooLarge(
          "a batch is at most " + Limits.MAX_BATCH_BYTES + " bytes; this one has " + body.length);
    }
    JsonNode root = Json.parse(body);
    if (!root.isObject()) {
      throw ApiException.badRequest("the body must be a JSON object with an \"ops\" array");
    }
    onlyKnown(root, TOP, "the batch");
    JsonNode ops = root.get("ops");
    if (ops == null || !ops.isArray()) {
      throw ApiException.badRequest("\"ops\" must be an array of operations");
    }
    if (ops.isEmpty()) {
      throw ApiException.badRequest("\"ops\" is empty: a batch needs at least one operation");
    }
    if (ops.size() > Limits.MAX_BATCH_OPS) {
      throw ApiException.tooLarge(
          "a batch has at most "
              + Limits.MAX_BATCH_OPS
              + " operations; this one has "
              + ops.size());
    }
    List<Op> parsed = new ArrayList<>(ops.size());
    for (int i = 0; i < ops.size(); i++) {
      parsed.add(op(ops.get(i), "ops[" + i + "]"));
    }
    return new WriteBatch(parsed, requestId(root.get("requestId")));
  }

  /** Validates a client request id (also used by the single-key routes' Idempotency-Key header). */
  public static String requestId(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw ApiException.badRequest("\"requestId\" must be a string");
    }
    return checkRequestId(node.asText());
  }

  public static String checkRequestId(String id) {
    int length = Json.utf8Bytes(id, "the requestId").length;
    if (length == 0 || length > Limits.MAX_REQUEST_ID_BYTES) {
      throw ApiException.badRequest("a requestId is 1.." + Limits.MAX_REQUEST_ID_BYTES + " bytes");
    }
    return id;
  }

  private static void onlyKnown(JsonNode node, Set<String> known, String where) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw ApiException.badRequest(
            where
                + ": unknown field \""
                + f
                + "\" (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
    }
  }

  private static Op op(JsonNode node, String where) {
    if (!node.isObject()) {
      throw ApiException.badRequest(where + " must be an object");
    }
    onlyKnown(node, OP_FIELDS, where);
    JsonNode kind = node.get("op");
    if (kind == null || !kind.isTextual()) {
      throw ApiException.badRequest(
          where + ": \"op\" must be \"put\", \"delete\", \"check\" or \"deleteRange\"");
    }
    if (kind.asText().equals("deleteRange")) {
      for (String f : List.of("key", "keyBase64", "value", "valueBase64", "ttlMs")) {
        if (node.has(f)) {
          throw ApiException.badRequest(where + ": a deleteRange takes no \"" + f + "\"");
        }
      }
      if (!(condition(node, where) instanceof Condition.None)) {
        throw ApiException.badRequest(where + ": a deleteRange takes no condition");
      }
      return deleteRange(
          Json.getBytes(node, "prefix", where),
          Json.getBytes(node, "start", where),
          Json.getBytes(node, "end", where),
          where);
    }
    for (String f : List.of("start", "startBase64", "end", "endBase64", "prefix", "prefixBase64")) {
      if (node.has(f)) {
        throw ApiException.badRequest(where + ": only a deleteRange takes \"" + f + "\"");
      }
    }
    Key key =
        new Key(
            Json.getBytes(node, "key", where)
                .orElseThrow(
                    () ->
                        ApiException.badRequest(
                            where + ": \"key\" (or \"keyBase64\") is required")));
    checkKey(key.bytes(), where);
    Optional<byte[]> value = Json.getBytes(node, "value", where);
    Condition condition = condition(node, where);
    return switch (kind.asText()) {
      case "put" -> {
        byte[] v =
            value.orElseThrow(
                () ->
                    ApiException.badRequest(
                        where
                            + ": a put needs \"value\" (or \"valueBase64\"); an empty value deletes"));
        checkValue(v, where);
        long ttl = ttlMillis(node.get("ttlMs"), where);
        if (ttl != Op.Put.NO_TTL) {
          if (v.length == 0) {
            throw ApiException.badRequest(where + ": an empty value deletes; it takes no ttlMs");
          }
          yield new Op.Put(key, v, condition, ttl);
        }
        yield Op.write(key, v, condition);
      }
      case "delete" -> {
        noValue(value, where, "delete");
        noTtl(node, where, "delete");
        yield new Op.Delete(key, condition);
      }
      case "check" -> {
        noValue(value, where, "check");
        noTtl(node, where, "check");
        if (condition instanceof Condition.None) {
          throw ApiException.badRequest(
              where + ": a check needs a condition (\"if\", \"ifVersion\" or \"ifValue\")");
        }
        yield new Op.Check(key, condition);
      }
      default ->
          throw ApiException.badRequest(
              where
                  + ": unknown op \""
                  + kind.asText()
                  + "\"; use put, delete, check or deleteRange");
    };
  }

  private static void noTtl(JsonNode node, String where, String kind) {
    if (node.has("ttlMs")) {
      throw ApiException.badRequest(where + ": a " + kind + " takes no ttlMs");
    }
  }

  /** A {@code ttlMs} given as a JSON number; {@link Op.Put#NO_TTL} when absent. */
  private static long ttlMillis(JsonNode ttl, String where) {
    if (ttl == null || ttl.isNull()) {
      return Op.Put.NO_TTL;
    }
    if (!ttl.isIntegralNumber() || !ttl.canConvertToLong()) {
      throw ApiException.badRequest(where + ": \"ttlMs\" must be a positive integer");
    }
    return checkTtl(ttl.asLong(), where);
  }

  /** A time to live in ms: 1 .. {@link Limits#MAX_TTL_MILLIS}. */
  public static long checkTtl(long ttl, String where) {
    if (ttl < 1 || ttl > Limits.MAX_TTL_MILLIS) {
      throw ApiException.badRequest(
          where + ": ttlMs must be 1.." + Limits.MAX_TTL_MILLIS + " (100 years), not " + ttl);
    }
    return ttl;
  }

  /**
   * A deleted range from {@code prefix}, or {@code start} and {@code end} (start inclusive, end
   * exclusive): one or the other. An empty prefix is every key.
   */
  public static Op.DeleteRange deleteRange(
      Optional<byte[]> prefix, Optional<byte[]> start, Optional<byte[]> end, String where) {
    if (prefix.isPresent()) {
      if (start.isPresent() || end.isPresent()) {
        throw ApiException.badRequest(where + ": give a prefix, or start and end, not both");
      }
      if (prefix.get().length > Limits.MAX_KEY_BYTES) {
        throw ApiException.tooLarge(
            where + ": a prefix is at most " + Limits.MAX_KEY_BYTES + " bytes");
      }
      return Op.DeleteRange.prefix(prefix.get());
    }
    if (start.isEmpty() || end.isEmpty()) {
      throw ApiException.badRequest(
          where + ": a range delete needs a prefix, or both start (inclusive) and end (exclusive)");
    }
    checkKey(start.get(), where + ": start");
    checkKey(end.get(), where + ": end");
    if (java.util.Arrays.compareUnsigned(start.get(), end.get()) >= 0) {
      throw ApiException.badRequest(where + ": start must come before end");
    }
    return new Op.DeleteRange(start.get(), end.get());
  }

  private static void noValue(Optional<byte[]> value, String where, String kind) {
    if (value.isPresent()) {
      throw ApiException.badRequest(where + ": a " + kind + " takes no value");
    }
  }

  private static Condition condition(JsonNode node, String where) {
    JsonNode ifNode = node.get("if");
    JsonNode version = node.get("ifVersion");
    Optional<byte[]> value = Json.getBytes(node, "ifValue", where);
    int given = (ifNode == null ? 0 : 1) + (version == null ? 0 : 1) + (value.isPresent() ? 1 : 0);
    if (given > 1) {
      throw ApiException.badRequest(
          where + ": give at most one of \"if\", \"ifVersion\", \"ifValue\"");
    }
    if (ifNode != null) {
      return switch (ifNode.isTextual() ? ifNode.asText() : "") {
        case "absent" -> Condition.ABSENT;
        case "exists" -> Condition.EXISTS;
        default ->
            throw ApiException.badRequest(where + ": \"if\" must be \"absent\" or \"exists\"");
      };
    }
    if (version != null) {
      if (!version.isIntegralNumber() || !version.canConvertToLong() || version.asLong() < 0) {
        throw ApiException.badRequest(where + ": \"ifVersion\" must be a non-negative integer");
      }
      return new Condition.VersionIs(version.asLong());
    }
    if (value.isPresent()) {
      checkValue(value.get(), where);
      return new Condition.ValueIs(value.get());
    }
    return Condition.NONE;
  }

  public static void checkKey(byte[] key, String where) {
    if (key.length == 0) {
      throw ApiException.badRequest(
          where + ": a key is 1.." + Limits.MAX_KEY_BYTES + " bytes; this one is empty");
    }
    if (key.length > Limits.MAX_KEY_BYTES) {
      throw ApiException.tooLarge(
          where
              + ": a key is at most "
              + Limits.MAX_KEY_BYTES
              + " bytes; this one has "
              + key.length);
    }
  }

  public static void checkValue(byte[] value, String where) {
    if (value.length > Limits.MAX_VALUE_BYTES) {
      throw ApiException.tooLarge(
          where
              + ": a value is at most "
              + Limits.MAX_VALUE_BYTES
              + " bytes; this one has "
              + value.length);
    }
  }
}
