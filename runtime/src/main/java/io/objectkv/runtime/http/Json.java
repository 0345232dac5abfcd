package io.objectkv.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * JSON as the API spells it. Keys and values travel as UTF-8 strings ({@code key}, {@code value})
 * or, when they are not valid UTF-8, as base64 ({@code keyBase64}, {@code valueBase64}).
 */
public final class Json {
  private Json() {}

  public static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode JSON", e);
    }
  }

  /** Parses a request body; malformed JSON is a 400 naming where it broke. */
  public static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest("the request body is empty; a JSON object was expected");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest(
          "malformed JSON: " + e.getOriginalMessage() + " at " + e.getLocation());
    } catch (java.io.IOException e) {
      throw ApiException.badRequest("unreadable request body: " + e.getMessage());
    }
  }

  /** The bytes as a string, if they are valid UTF-8. */
  public static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /**
   * The UTF-8 bytes of a JSON string; 400 if it is not valid Unicode (a lone surrogate such as
   * {@code "\\ud800"} has no UTF-8 form, and a lenient encoder would turn it into {@code ?}, making
   * different keys collide).
   */
  public static byte[] utf8Bytes(String text, String what) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(java.nio.CharBuffer.wrap(text));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw ApiException.badRequest(
          what
              + " is not a valid Unicode string (a lone UTF-16 surrogate?); send arbitrary bytes"
              + " base64-encoded in the ...Base64 field instead");
    }
  }

  /** Sets {@code name} (UTF-8) or {@code nameBase64} on {@code node}. */
  public static void putBytes(ObjectNode node, String name, byte[] bytes) {
    Optional<String> text = utf8(bytes);
    if (text.isPresent()) {
      node.put(name, text.get());
    } else {
      node.put(name + "Base64", Base64.getEncoder().encodeToString(bytes));
    }
  }

  /**
   * Reads {@code name} (UTF-8 string) or {@code nameBase64}; exactly one may be present.
   *
   * @return the bytes, or empty when neither is present
   */
  public static Optional<byte[]> getBytes(JsonNode node, String name, String where) {
    JsonNode text = node.get(name);
    JsonNode b64 = node.get(name + "Base64");
    if (text != null && b64 != null) {
      throw ApiException.badRequest(where + ": give " + name + " or " + name + "Base64, not both");
    }
    if (text != null) {
      if (!text.isTextual()) {
        throw ApiException.badRequest(where + ": " + name + " must be a string");
      }
      return Optional.of(utf8Bytes(text.asText(), where + ": " + name));
    }
    if (b64 != null) {
      if (!b64.isTextual()) {
        throw ApiException.badRequest(where + ": " + name + "Base64 must be a string");
      }
      try {
        return Optional.of(Base64.getDecoder().decode(b64.asText()));
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(where + ": " + name + "Base64 is not valid base64");
      }
    }
    return Optional.empty();
  }
}
