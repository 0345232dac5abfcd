package io.objectkv.runtime.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which role and which database's grant each request needs. */
class GuardTest {
  private static Tokens.Grant grant(Role role, String db) {
    return new Tokens.Grant("t", role, db, new byte[32]);
  }

  @Test
  void managingDatabasesIsAdministrationAndUsingOneIsNot() {
    assertEquals(Role.ADMIN, Guard.needed("PUT", "/v1/db/orders"));
    assertEquals(Role.ADMIN, Guard.needed("DELETE", "/v1/db/orders"));
    assertEquals(Role.ADMIN, Guard.needed("GET", "/v1/db"));
    assertEquals(Role.READ, Guard.needed("GET", "/v1/db/orders/kv/a"));
    assertEquals(Role.READ, Guard.needed("POST", "/v1/db/orders/get"));
    assertEquals(Role.WRITE, Guard.needed("POST", "/v1/db/orders/batch"));
    assertEquals(Role.WRITE, Guard.needed("PUT", "/v1/db/orders/kv/a"));
    assertEquals(Role.READ, Guard.needed("GET", "/v1/kv/a"));
  }

  @Test
  void aGrantCoversItsDatabaseOnly() {
    Guard guard = Guard.of(Tokens.of(java.util.List.of()), "objectkv", false);
    assertTrue(guard.allows(grant(Role.WRITE, "orders"), "/v1/db/orders/kv/a"));
    assertFalse(guard.allows(grant(Role.WRITE, "orders"), "/v1/db/users/kv/a"));
    assertFalse(guard.allows(grant(Role.WRITE, "orders"), "/v1/kv/a"));
    assertTrue(guard.allows(grant(Role.ADMIN, "orders"), "/v1/db/orders"));
    assertFalse(guard.allows(grant(Role.ADMIN, "orders"), "/v1/db"));
    assertTrue(guard.allows(grant(Role.ADMIN, "*"), "/v1/db"));
    // The default database answers to its API name and to the deployment's name.
    assertTrue(guard.allows(grant(Role.READ, "default"), "/v1/kv/a"));
    assertTrue(guard.allows(grant(Role.READ, "objectkv"), "/v1/kv/a"));
    assertTrue(guard.allows(grant(Role.READ, "objectkv"), "/v1/db/default/kv/a"));
    assertFalse(guard.allows(grant(Role.READ, "objectkv"), "/metrics"));
  }
}
