package io.objectkv.reader.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CursorTest {
  @Test
  void anyKeyRoundTripsThroughAUrlSafeCursor() {
    Random rnd = new Random(1);
    for (int n : new int[] {1, 2, 3, 17, 4096}) {
      byte[] key = new byte[n];
      rnd.nextBytes(key);
      String cursor = Cursor.encode(key);
      assertTrue(cursor.matches("[A-Za-z0-9_-]+"), "needs no escaping in a query: " + cursor);
      assertArrayEquals(key, Cursor.decode(cursor));
    }
    assertArrayEquals(
        new byte[] {0, (byte) 0xFF}, Cursor.decode(Cursor.encode(new byte[] {0, -1})));
  }

  @Test
  void whatIsNotOneOfOursDecodesToNull() {
    assertNull(Cursor.decode(""), "empty");
    assertNull(Cursor.decode("not base64!"), "not base64url");
    assertNull(Cursor.decode(Cursor.encode(new byte[0])), "no key");
    byte[] otherVersion = {2, 'k'};
    assertNull(Cursor.decode(Base64.getUrlEncoder().encodeToString(otherVersion)), "version 2");
    assertNull(Cursor.decode("a+b/"), "standard base64 alphabet");
  }
}
