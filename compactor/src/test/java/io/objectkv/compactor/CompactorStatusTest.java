package io.objectkv.compactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.json.JavalinJackson;
import io.objectkv.core.manifest.ManifestSummary;
import org.junit.jupiter.api.Test;

class CompactorStatusTest {
  /** The manifest's fields are top-level fields of the JSON, as every process's status has them. */
  @Test
  void theManifestSummaryIsUnwrappedInTheJson() throws Exception {
    CompactorStatus s =
        new CompactorStatus(
            "compactor",
            new ManifestSummary(7, 99, 3, 300, 2, 2000),
            5,
            4,
            2,
            1,
            10,
            20,
            1.5,
            1.1,
            6,
            0,
            "");
    String json = new JavalinJackson().toJsonString(s, CompactorStatus.class);
    JsonNode node = new ObjectMapper().readTree(json);
    assertEquals(7, node.get("manifestVersion").asLong(), json);
    assertEquals(99, node.get("appliedVersion").asLong());
    assertEquals(3, node.get("l0Objects").asInt());
    assertEquals(2000, node.get("l1Bytes").asLong());
    assertFalse(node.has("manifest"), json);
  }
}
