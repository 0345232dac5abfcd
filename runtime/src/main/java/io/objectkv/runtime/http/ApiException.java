package io.objectkv.runtime.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer other than success, rendered as {@code {"error": code, "message": text, ...fields}}
 * with its HTTP status.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final Map<String, Object> fields;
  private final Map<String, String> headers = new LinkedHashMap<>();

  public ApiException(int status, String code, String message) {
    this(status, code, message, Map.of());
  }

  public ApiException(int status, String code, String message, Map<String, Object> fields) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.fields = new LinkedHashMap<>(fields);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Headers the answer carries (e.g. {@code Retry-After}). */
  public Map<String, String> headers() {
    return headers;
  }

  public ApiException withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }

  public Map<String, Object> body() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", getMessage());
    body.putAll(fields);
    return body;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "too_large", message);
  }

  /** 503: the process cannot take this work now; the client should retry after a second. */
  public static ApiException unavailable(String message) {
    return unavailable(message, Map.of());
  }

  public static ApiException unavailable(String message, Map<String, Object> fields) {
    return new ApiException(503, "unavailable", message, fields).withHeader("Retry-After", "1");
  }
}
