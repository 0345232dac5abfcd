package io.objectkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void roundTripsWhatTheApiSpeaks() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "quote \" backslash \\ newline \n tab \t ☃");
    m.put("n", 12345678901L);
    m.put("d", 0.25);
    m.put("b", true);
    m.put("z", null);
    m.put("l", List.of(1L, "two", List.of(), Map.of()));
    assertEquals(m, Json.parse(Json.write(m)));
    assertEquals(Map.of("a", "é"), Json.parse("{\"a\": \"\\u00e9\"}"));
  }

  @Test
  void refusesMalformedJson() {
    for (String bad : List.of("{", "{\"a\" 1}", "[1,]", "tru", "\"open", "{} x")) {
      assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
    }
  }

  @Test
  void batchesFromFilesKeepTheirOps() {
    Batch b =
        Batch.fromJson(
            "{\"requestId\": \"r\", \"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"1\"}]}");
    assertEquals(1, b.size());
    assertEquals(
        "{\"requestId\":\"r\",\"ops\":[{\"op\":\"put\",\"key\":\"a\",\"value\":\"1\"}]}",
        b.toJson(b.requestIdOr("fresh")));
    assertThrows(IllegalArgumentException.class, () -> Batch.fromJson("{\"ops\": 3}"));
  }
}
