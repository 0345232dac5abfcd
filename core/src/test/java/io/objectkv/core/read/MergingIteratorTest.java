package io.objectkv.core.read;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.format.Entry;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergingIteratorTest {
  private static Entry e(String k, long v, String value) {
    return new Entry(k.getBytes(), v, value.getBytes());
  }

  private static Iterator<Entry> it(Entry... entries) {
    return List.of(entries).iterator();
  }

  @Test
  void newestVersionWinsAndTombstonesPassThrough() {
    MergingIterator m =
        new MergingIterator(
            List.of(
                it(e("a", 5, "new"), e("c", 9, "")),
                it(e("a", 1, "old"), e("b", 2, "b"), e("c", 3, "c"))),
            false);
    assertEquals(List.of(e("a", 5, "new"), e("b", 2, "b"), e("c", 9, "")), LsmViewTest.drain(m));
  }

  @Test
  void reverseOrder() {
    MergingIterator m =
        new MergingIterator(
            List.of(it(e("c", 2, "c"), e("a", 2, "a")), it(e("b", 1, "b"), e("a", 1, "old"))),
            true);
    assertEquals(List.of(e("c", 2, "c"), e("b", 1, "b"), e("a", 2, "a")), LsmViewTest.drain(m));
  }

  @Test
  void theNewerVersionWinsFromAnySourceAndATieGoesToTheEarlierSource() {
    MergingIterator forward =
        new MergingIterator(
            List.of(
                it(e("a", 1, "old"), e("b", 7, "first")),
                it(e("a", 4, "new"), e("b", 7, "second"))),
            false);
    assertEquals(List.of(e("a", 4, "new"), e("b", 7, "first")), LsmViewTest.drain(forward));
    MergingIterator reverse =
        new MergingIterator(
            List.of(
                it(e("b", 7, "first"), e("a", 1, "old")),
                it(e("b", 7, "second"), e("a", 4, "new"))),
            true);
    assertEquals(List.of(e("b", 7, "first"), e("a", 4, "new")), LsmViewTest.drain(reverse));
  }

  @Test
  void keysCompareAsUnsignedBytes() {
    Entry high = new Entry(new byte[] {(byte) 0xFF}, 1, "high".getBytes());
    Entry low = new Entry(new byte[] {0x01}, 1, "low".getBytes());
    assertEquals(
        List.of(low, high),
        LsmViewTest.drain(new MergingIterator(List.of(it(high), it(low)), false)));
    assertEquals(
        List.of(high, low),
        LsmViewTest.drain(new MergingIterator(List.of(it(low), it(high)), true)));
  }

  @Test
  void noSources() {
    assertEquals(List.of(), LsmViewTest.drain(new MergingIterator(List.of(), false)));
  }
}
