package io.objectkv.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LoadTest {
  @Test
  void progressShowsABarWhenTheTotalIsKnown() {
    assertEquals(
        "loading [###############               ] 500/1,000 ops (50%), 250 ops/s",
        Load.Progress.line(500, 1_000L, 2.0));
    assertEquals("loading: 500 ops, 250 ops/s", Load.Progress.line(500, null, 2.0));
  }

  @Test
  void bytesThatAreNotUtf8GoAsBase64() {
    assertEquals("\"key\": \"a\\\"b\"", Main.bytesField("key", "a\"b".getBytes()));
    assertEquals("\"keyBase64\": \"AP8=\"", Main.bytesField("key", new byte[] {0, (byte) 0xFF}));
  }
}
