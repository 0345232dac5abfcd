package io.objectkv.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DatabasePathsTest {
  @Test
  void everyEndpointExistsAtItsV1PathAndInADatabase() {
    assertEquals(
        List.of("/v1/kv/<key>", "/v1/db/{db}/kv/<key>"), DatabasePaths.both("/v1/kv/<key>"));
    assertEquals(List.of("/v1/batch", "/v1/db/{db}/batch"), DatabasePaths.both("/v1/batch"));
  }

  @Test
  void aPathNamesItsDatabaseOrTheDefaultOne() {
    assertEquals("default", DatabasePaths.database("/v1/kv/a"));
    assertEquals("orders", DatabasePaths.database("/v1/db/orders/kv/a%2Fb"));
    assertEquals("orders", DatabasePaths.database("/v1/db/orders"));
    assertEquals("/v1/kv/a%2Fb", DatabasePaths.v1Path("/v1/db/orders/kv/a%2Fb"));
    assertEquals("/v1/get", DatabasePaths.v1Path("/v1/db/orders/get"));
    assertEquals("/v1/kv/x", DatabasePaths.v1Path("/v1/kv/x"));
    assertEquals("/v1/db/orders/watch", DatabasePaths.in("orders", "/v1/watch"));
    assertEquals("/v1/watch", DatabasePaths.in("default", "/v1/watch"));
  }

  @Test
  void managingDatabasesIsNotAnEndpointOfOne() {
    assertFalse(DatabasePaths.isDatabaseEndpoint("/v1/db"));
    assertFalse(DatabasePaths.isDatabaseEndpoint("/v1/db/orders"));
    assertTrue(DatabasePaths.isDatabaseEndpoint("/v1/db/orders/kv/a"));
    assertTrue(DatabasePaths.isDatabaseEndpoint("/v1/kv/a"));
  }
}
