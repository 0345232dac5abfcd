package io.objectkv.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What {@code GET /v1/status} of the gateway says: its own state, the database as the most
 * up-to-date replica that answered sees it (absent when none did), and each replica.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayStatus(
    String process,
    String gatewayId,
    int pendingWrites,
    Long manifestVersion,
    Long appliedVersion,
    Integer l0Objects,
    Long l0Bytes,
    Integer l1Objects,
    Long l1Bytes,
    Double cacheHitRate,
    List<Replica> readers) {

  /** One replica, as it answered (or did not) just now. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Replica(String url, boolean up, Long appliedVersion, Double cacheHitRate) {}
}
