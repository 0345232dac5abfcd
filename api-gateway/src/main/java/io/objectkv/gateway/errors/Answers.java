package io.objectkv.gateway.errors;

import io.objectkv.core.model.Outcome;
import io.objectkv.gateway.write.WriteClient;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** The one place where outcomes and failures of writes become HTTP statuses. */
public final class Answers {
  private Answers() {}

  /** How a failed condition is answered: 409 in a batch, 412 for HTTP conditional headers. */
  public enum Style {
    BATCH(409),
    HTTP_PRECONDITION(412);

    final int status;

    Style(int status) {
      this.status = status;
    }
  }

  /** The error for a failed or rejected outcome (committed outcomes are not errors). */
  public static ApiException failure(Outcome outcome, Style style) {
    return switch (outcome) {
      case Outcome.ConditionFailed f -> {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (style == Style.BATCH) {
          fields.put("index", f.index());
        }
        Json.utf8(f.key().bytes())
            .ifPresentOrElse(
                k -> fields.put("key", k),
                () ->
                    fields.put(
                        "keyBase64",
                        java.util.Base64.getEncoder().encodeToString(f.key().bytes())));
        fields.put("reason", f.reason().wireName());
        fields.put("currentVersion", f.currentVersion() < 0 ? null : f.currentVersion());
        String where =
            style == Style.BATCH ? "the condition of op " + f.index() : "the precondition";
        yield new ApiException(
            style.status,
            "condition_failed",
            where + " failed: " + f.reason().wireName() + "; nothing was written",
            fields);
      }
      case Outcome.Rejected r -> ApiException.badRequest(r.message());
      case Outcome.Expired e ->
          notApplied(
              "the batch reached the write log "
                  + (e.arrivedMillis() - e.deadlineMillis())
                  + " ms after its deadline (the writer or Kafka was slow); nothing was written; retry");
      case Outcome.Busy b -> notApplied(b.reason() + "; nothing was written");
      case Outcome.Committed c ->
          throw new IllegalArgumentException("a committed outcome is not a failure");
    };
  }

  /** 503 for a write that certainly was not applied: retrying it is safe. */
  static ApiException notApplied(String message) {
    return ApiException.unavailable(message, Map.of("applied", false));
  }

  /**
   * 503 for a write whose outcome could not be learned: it may have been applied, or still be,
   * until its deadline has passed in the log.
   */
  static ApiException mayBeApplied(String message, boolean hasRequestId) {
    String retry =
        hasRequestId
            ? "retry with the same requestId to learn it"
            : "send a requestId to make retries safe";
    return ApiException.unavailable(message + "; " + retry, Map.of("applied", "unknown"));
  }

  /** The error for a write whose outcome did not arrive. */
  public static ApiException unknown(Throwable t, boolean hasRequestId) {
    Throwable cause = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    if (cause instanceof TimeoutException) {
      return mayBeApplied(
          "the outcome of the write is unknown: no answer from the writer before its deadline; it"
              + " may have been applied",
          hasRequestId);
    }
    if (cause instanceof WriteClient.PublishFailed p) {
      return p.mayBeApplied()
          ? mayBeApplied(p.getMessage() + "; it may have been applied", hasRequestId)
          : notApplied(p.getMessage() + "; nothing was written; retry");
    }
    return mayBeApplied("the outcome of the write is unknown: " + cause, hasRequestId);
  }
}
