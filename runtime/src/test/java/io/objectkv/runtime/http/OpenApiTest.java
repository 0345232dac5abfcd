package io.objectkv.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenApiTest {
  private final JsonNode doc = OpenApi.document();

  @Test
  void everyOperationIsNamedOnceAndAnswers() {
    assertEquals("3.1.0", doc.get("openapi").asText());
    Set<String> ids = new HashSet<>();
    for (OpenApi.Operation o : OpenApi.operations(doc)) {
      JsonNode op = doc.get("paths").get(o.path()).get(o.method());
      assertTrue(ids.add(op.get("operationId").asText()), "operationId twice: " + o);
      assertFalse(op.get("responses").isEmpty(), "no responses: " + o);
    }
    assertTrue(ids.containsAll(List.of("get", "put", "delete", "batch", "multiGet", "scan")));
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = doc.findValuesAsText("$ref");
    assertFalse(refs.isEmpty());
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), ref);
      assertFalse(doc.at(ref.substring(1)).isMissingNode(), "dangling " + ref);
    }
  }

  @Test
  void aServerSeesOnlyWhatItServes() {
    JsonNode served =
        OpenApi.servedBy(
            Set.of(
                OpenApi.Operation.ofRoute("GET", "/v1/kv/<key>"),
                OpenApi.Operation.ofRoute("GET", "/health")));
    assertEquals(
        Set.of(
            new OpenApi.Operation("get", "/v1/kv/{key}"), new OpenApi.Operation("get", "/health")),
        Set.copyOf(OpenApi.operations(served)));
    assertTrue(served.get("paths").get("/v1/kv/{key}").has("parameters"));
  }

  @Test
  void anUndocumentedRouteStopsTheServer() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> OpenApi.servedBy(Set.of(OpenApi.Operation.ofRoute("GET", "/v1/secret"))));
    assertTrue(e.getMessage().contains("/v1/secret"), e.getMessage());
  }
}
