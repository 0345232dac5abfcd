package io.objectkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One committed batch's changes to the watched keys.
 *
 * @param version the batch's version
 * @param changes what it wrote to watched keys, in key order
 */
public record ChangeEvent(long version, List<Change> changes) {
  public ChangeEvent {
    changes = List.copyOf(changes);
  }

  /** A key written ({@code value} set) or deleted ({@code value} null). */
  public record Change(byte[] key, byte[] value) {
    public boolean deleted() {
      return value == null;
    }

    public String keyString() {
      return new String(key, StandardCharsets.UTF_8);
    }

    public String valueString() {
      return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Change c && Arrays.equals(key, c.key) && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return keyString() + (value == null ? " deleted" : " = " + valueString());
    }
  }
}
