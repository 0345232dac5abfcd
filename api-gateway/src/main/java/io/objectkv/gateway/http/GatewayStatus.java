package io.objectkv.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.core.manifest.ManifestSummary;
import io.objectkv.gateway.ops.CostMeter;
import io.objectkv.gateway.ops.Operations;
import java.util.List;

/**
 * What {@code GET /v1/status} of the gateway says: its own state, the database as the most
 * up-to-date replica that answered sees it (absent when none did), each replica, every process that
 * announces itself, a compactor's status (its compactions and amplification), the cost meter and
 * this gateway's recent traffic.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GatewayStatus(
    String process,
    String gatewayId,
    int pendingWrites,
    @JsonUnwrapped ManifestSummary manifest,
    Double cacheHitRate,
    List<Replica> readers,
    List<Operations.Process> processes,
    JsonNode compaction,
    CostMeter.Cost cost,
    Operations.TrafficHistory traffic) {

  /** One replica, as it answered (or did not) just now. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Replica(String url, boolean up, Long appliedVersion, Double cacheHitRate) {}
}
