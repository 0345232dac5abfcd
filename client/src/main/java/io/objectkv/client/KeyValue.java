package io.objectkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A key, its value and the version that wrote it (its ETag). */
public record KeyValue(byte[] key, byte[] value, long version) {
  public String keyString() {
    return new String(key, StandardCharsets.UTF_8);
  }

  public String valueString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue kv
        && version == kv.version
        && Arrays.equals(key, kv.key)
        && Arrays.equals(value, kv.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key) * 31 + Long.hashCode(version);
  }

  @Override
  public String toString() {
    return "KeyValue[" + keyString() + " = " + value.length + " bytes @ " + version + "]";
  }
}
