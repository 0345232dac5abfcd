package io.objectkv.gateway.write;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.objectkv.core.model.Condition;
import io.objectkv.core.model.Key;
import io.objectkv.core.model.Limits;
import io.objectkv.core.model.Op;
import io.objectkv.core.model.WriteBatch;
import io.objectkv.runtime.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The batch body: every op and condition as the contract spells it, and what is refused. */
class BatchJsonTest {
  private static WriteBatch parse(String json) {
    return BatchJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static int status(String json) {
    return assertThrows(ApiException.class, () -> parse(json), json).status();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyOpOfTheContract() {
    WriteBatch b =
        parse(
            """
            {"requestId": "r-1", "ops": [
              {"op": "put", "key": "a", "value": "1"},
              {"op": "put", "key": "b", "value": "2", "if": "absent"},
              {"op": "put", "key": "c", "value": "3", "if": "exists"},
              {"op": "put", "key": "d", "value": "4", "ifVersion": 17},
              {"op": "put", "key": "e", "value": "5", "ifValue": "old"},
              {"op": "delete", "key": "f", "if": "exists"},
              {"op": "check", "key": "g", "if": "absent"},
              {"op": "put", "key": "h", "value": "8", "ttlMs": 60000},
              {"op": "deleteRange", "prefix": "p/"},
              {"op": "deleteRange", "start": "s", "end": "t"},
              {"op": "put", "keyBase64": "/wA=", "valueBase64": "AQI="}
            ]}
            """);
    assertEquals("r-1", b.requestId());
    List<Op> ops = b.ops();
    assertEquals(new Op.Put(Key.of("a"), utf8("1"), Condition.NONE), ops.get(0));
    assertEquals(new Op.Put(Key.of("b"), utf8("2"), Condition.ABSENT), ops.get(1));
    assertEquals(new Op.Put(Key.of("c"), utf8("3"), Condition.EXISTS), ops.get(2));
    assertEquals(new Op.Put(Key.of("d"), utf8("4"), new Condition.VersionIs(17)), ops.get(3));
    assertEquals(
        new Op.Put(Key.of("e"), utf8("5"), new Condition.ValueIs(utf8("old"))), ops.get(4));
    assertEquals(new Op.Delete(Key.of("f"), Condition.EXISTS), ops.get(5));
    assertEquals(new Op.Check(Key.of("g"), Condition.ABSENT), ops.get(6));
    assertEquals(new Op.Put(Key.of("h"), utf8("8"), Condition.NONE, 60_000), ops.get(7));
    assertEquals(new Op.DeleteRange(utf8("p/"), utf8("p0")), ops.get(8));
    assertEquals(new Op.DeleteRange(utf8("s"), utf8("t")), ops.get(9));
    Op.Put binary = (Op.Put) ops.get(10);
    assertArrayEquals(new byte[] {(byte) 0xFF, 0}, binary.key().bytes());
    assertArrayEquals(new byte[] {1, 2}, binary.value());
  }

  @Test
  void prefixesAtTheEndOfTheKeyspaceAndTheEmptyPrefix() {
    Op.DeleteRange ff =
        (Op.DeleteRange)
            parse("{\"ops\": [{\"op\": \"deleteRange\", \"prefixBase64\": \"/w==\"}]}")
                .ops()
                .getFirst();
    assertArrayEquals(Op.DeleteRange.END_OF_KEYS, ff.end(), "no key after 0xFF: the end");
    Op.DeleteRange all =
        (Op.DeleteRange)
            parse("{\"ops\": [{\"op\": \"deleteRange\", \"prefix\": \"\"}]}").ops().getFirst();
    assertArrayEquals(new byte[] {0}, all.start());
    byte[] longest = new byte[Limits.MAX_KEY_BYTES];
    java.util.Arrays.fill(longest, (byte) 0xFF);
    assertEquals(true, all.contains(longest) && all.contains(new byte[] {0}));
  }

  @Test
  void malformedOrMisspeltIsRefusedAndTooLargeIs413() {
    assertEquals(400, status("[]"));
    assertEquals(400, status("{\"ops\": []}"));
    assertEquals(400, status("{\"ops\": [{\"op\": \"put\", \"key\": \"a\"}]}"));
    assertEquals(
        400,
        status(
            "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"1\", \"iff\": \"absent\"}]}"));
    assertEquals(400, status("{\"ops\": [{\"op\": \"check\", \"key\": \"a\"}]}"));
    assertEquals(
        400, status("{\"ops\": [{\"op\": \"upsert\", \"key\": \"a\", \"value\": \"1\"}]}"));
    assertEquals(
        400,
        status(
            "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"1\", \"if\": \"absent\", \"ifVersion\": 3}]}"));
    assertEquals(400, status("{\"ops\": [{\"op\": \"put\", \"key\": \"\", \"value\": \"1\"}]}"));
    assertEquals(
        413,
        status(
            "{\"ops\": [{\"op\": \"put\", \"key\": \""
                + "k".repeat(4097)
                + "\", \"value\": \"1\"}]}"));
    // ttls
    for (String ttl : List.of("0", "-1", "1.5", "\"60\"", "3153600000001")) {
      assertEquals(
          400,
          status(
              "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"1\", \"ttlMs\": "
                  + ttl
                  + "}]}"),
          ttl);
    }
    assertEquals(
        400,
        status("{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"\", \"ttlMs\": 5}]}"));
    assertEquals(400, status("{\"ops\": [{\"op\": \"delete\", \"key\": \"a\", \"ttlMs\": 5}]}"));
    // ranges
    assertEquals(400, status("{\"ops\": [{\"op\": \"deleteRange\"}]}"));
    assertEquals(400, status("{\"ops\": [{\"op\": \"deleteRange\", \"start\": \"a\"}]}"));
    assertEquals(
        400, status("{\"ops\": [{\"op\": \"deleteRange\", \"start\": \"b\", \"end\": \"a\"}]}"));
    assertEquals(
        400, status("{\"ops\": [{\"op\": \"deleteRange\", \"start\": \"a\", \"end\": \"a\"}]}"));
    assertEquals(
        400, status("{\"ops\": [{\"op\": \"deleteRange\", \"prefix\": \"a\", \"end\": \"b\"}]}"));
    assertEquals(
        400, status("{\"ops\": [{\"op\": \"deleteRange\", \"prefix\": \"a\", \"key\": \"a\"}]}"));
    assertEquals(
        400,
        status("{\"ops\": [{\"op\": \"deleteRange\", \"prefix\": \"a\", \"if\": \"exists\"}]}"));
    assertEquals(
        400,
        status(
            "{\"ops\": [{\"op\": \"put\", \"key\": \"a\", \"value\": \"1\", \"prefix\": \"a\"}]}"));
    assertEquals(
        413,
        status("{\"ops\": [{\"op\": \"deleteRange\", \"prefix\": \"" + "k".repeat(4097) + "\"}]}"));
  }
}
