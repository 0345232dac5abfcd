package io.objectkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * One committed batch's changes to the watched keys.
 *
 * @param version the batch's version
 * @param changes what it wrote to watched keys, in key order
 * @param deletedRanges the ranges it deleted that meet the watched keys
 */
public record ChangeEvent(long version, List<Change> changes, List<DeletedRange> deletedRanges) {
  public ChangeEvent {
    changes = List.copyOf(changes);
    deletedRanges = List.copyOf(deletedRanges);
  }

  public ChangeEvent(long version, List<Change> changes) {
    this(version, changes, List.of());
  }

  /** Every key in {@code [start, end)} deleted; {@code end} null: to the end of the keys. */
  public record DeletedRange(byte[] start, byte[] end) {
    /** Whether {@code key} is in the range. */
    public boolean contains(byte[] key) {
      return Arrays.compareUnsigned(start, key) <= 0
          && (end == null || Arrays.compareUnsigned(key, end) < 0);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof DeletedRange d
          && Arrays.equals(start, d.start)
          && Arrays.equals(end, d.end);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(start) * 31 + Arrays.hashCode(end);
    }

    @Override
    public String toString() {
      return "["
          + new String(start, StandardCharsets.UTF_8)
          + ", "
          + (end == null ? "end" : new String(end, StandardCharsets.UTF_8))
          + ") deleted";
    }
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
