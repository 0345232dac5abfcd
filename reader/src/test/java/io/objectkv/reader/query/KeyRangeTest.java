package io.objectkv.reader.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.core.model.Key;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
  @Test
  void aPrefixEndsAtTheNextKeyThatDoesNotStartWithIt() {
    assertArrayEquals(new byte[] {'a', 'c'}, Key.prefixEnd(new byte[] {'a', 'b'}));
    assertArrayEquals(new byte[] {'b'}, Key.prefixEnd(new byte[] {'a', (byte) 0xFF}));
    assertNull(Key.prefixEnd(new byte[] {(byte) 0xFF, (byte) 0xFF}), "no end: open");
    KeyRange ff = KeyRange.prefix(new byte[] {(byte) 0xFF});
    assertTrue(ff.contains(new byte[] {(byte) 0xFF, (byte) 0xFF, 0}));
    assertFalse(ff.contains(new byte[] {(byte) 0xFE}));
    assertTrue(KeyRange.prefix(new byte[0]).contains(new byte[] {0}), "the empty prefix: all");
  }

  @Test
  void whatRemainsAfterAPageInEitherDirection() {
    KeyRange r = new KeyRange(new byte[] {'a'}, new byte[] {'z'});
    KeyRange forward = r.after(new byte[] {'m'}, false);
    assertFalse(forward.contains(new byte[] {'m'}));
    assertTrue(forward.contains(new byte[] {'m', 0}));
    KeyRange backward = r.after(new byte[] {'m'}, true);
    assertFalse(backward.contains(new byte[] {'m'}));
    assertTrue(backward.contains(new byte[] {'l', (byte) 0xFF}));
    assertTrue(new KeyRange(new byte[] {'b'}, new byte[] {'b'}).isEmpty());
  }
}
