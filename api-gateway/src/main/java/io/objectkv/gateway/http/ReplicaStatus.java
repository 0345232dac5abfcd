package io.objectkv.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.gateway.read.ReadForwarder;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.Json;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The database status as the replicas see it, for the gateway's {@code GET /v1/status}. */
public final class ReplicaStatus {
  private ReplicaStatus() {}

  public static Map<String, Object> collect(ReadForwarder forwarder) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Object> replicas = new ArrayList<>();
    JsonNode newest = null;
    for (URI r : forwarder.pool().all()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("url", r.toString());
      try {
        ReadForwarder.Answer a =
            forwarder.send(List.of(r), "GET", "/v1/status", null, Duration.ofSeconds(2));
        JsonNode s = Json.parse(a.response().body());
        one.put("up", a.status() == 200);
        one.put("appliedVersion", s.path("appliedVersion").asLong(-1));
        one.put("cacheHitRate", s.path("cacheHitRate").asDouble());
        if (newest == null
            || s.path("manifestVersion").asLong() > newest.path("manifestVersion").asLong()) {
          newest = s;
        }
      } catch (ApiException e) {
        one.put("up", false);
      }
      replicas.add(one);
    }
    if (newest != null) {
      for (String f :
          List.of(
              "manifestVersion",
              "appliedVersion",
              "l0Objects",
              "l0Bytes",
              "l1Objects",
              "l1Bytes",
              "cacheHitRate")) {
        out.put(f, Json.MAPPER.convertValue(newest.get(f), Object.class));
      }
    }
    out.put("readers", replicas);
    return out;
  }
}
