package io.objectkv.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.core.manifest.ManifestSummary;
import io.objectkv.gateway.ops.Operations;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.gateway.read.ReplicaHttp;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Asks every replica for its status: the gateway's {@code GET /v1/status}. */
public final class ReplicaStatus {
  private ReplicaStatus() {}

  public static GatewayStatus collect(
      String gatewayId, int pendingWrites, ReadForwarder forwarder, Operations ops) {
    List<GatewayStatus.Replica> replicas = new ArrayList<>();
    JsonNode newest = null;
    for (URI r : forwarder.pool().all()) {
      try {
        ReplicaHttp.Response a =
            forwarder.send(List.of(r), "GET", "/v1/status", null, Duration.ofSeconds(2));
        JsonNode s = Json.parse(a.body());
        replicas.add(
            new GatewayStatus.Replica(
                r.toString(),
                a.status() == 200,
                s.path("appliedVersion").asLong(-1),
                s.path("cacheHitRate").asDouble()));
        if (newest == null
            || s.path("manifestVersion").asLong() > newest.path("manifestVersion").asLong()) {
          newest = s;
        }
      } catch (ApiException e) {
        replicas.add(new GatewayStatus.Replica(r.toString(), false, null, null));
      }
    }
    List<Operations.Process> processes = ops.processes();
    ManifestSummary manifest =
        newest == null
            ? null
            : new ManifestSummary(
                newest.path("manifestVersion").asLong(),
                newest.path("appliedVersion").asLong(),
                newest.path("l0Objects").asInt(),
                newest.path("l0Bytes").asLong(),
                newest.path("l1Objects").asInt(),
                newest.path("l1Bytes").asLong());
    return new GatewayStatus(
        "api-gateway",
        gatewayId,
        pendingWrites,
        manifest,
        newest == null ? null : newest.path("cacheHitRate").asDouble(),
        replicas,
        processes,
        compaction(processes, forwarder),
        ops.cost(manifest == null ? 0 : manifest.l0Bytes() + manifest.l1Bytes()),
        ops.traffic());
  }

  /** The status of a live compactor, if one answers. */
  private static JsonNode compaction(List<Operations.Process> processes, ReadForwarder forwarder) {
    for (Operations.Process p : processes) {
      if (p.role().equals("compactor")) {
        try {
          ReplicaHttp.Response a =
              forwarder.send(
                  List.of(URI.create(p.url() + "/")),
                  "GET",
                  "/v1/status",
                  null,
                  Duration.ofSeconds(2));
          if (a.status() == 200) {
            return Json.parse(a.body());
          }
        } catch (ApiException e) {
          // another compactor may answer
        }
      }
    }
    return null;
  }
}
