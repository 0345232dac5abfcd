package io.objectkv.core.model;

import java.util.Arrays;

/** One operation of a batch, with its condition. */
public sealed interface Op {
  Key key();

  Condition condition();

  /** Writes {@code value}; never empty (an empty value is a {@link Delete}). */
  record Put(Key key, byte[] value, Condition condition) implements Op {
    public Put {
      if (value.length == 0) {
        throw new IllegalArgumentException("an empty value is a delete");
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Put p
          && key.equals(p.key)
          && Arrays.equals(value, p.value)
          && condition.equals(p.condition);
    }

    @Override
    public int hashCode() {
      return key.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put[" + key + ", " + value.length + " bytes, " + condition + "]";
    }
  }

  /** Removes the key (writes a tombstone). */
  record Delete(Key key, Condition condition) implements Op {}

  /** Writes nothing; guards the batch with its condition. */
  record Check(Key key, Condition condition) implements Op {
    public Check {
      if (condition instanceof Condition.None) {
        throw new IllegalArgumentException("a check needs a condition");
      }
    }
  }

  /** A put, or a delete when {@code value} is empty (empty values are tombstones). */
  static Op write(Key key, byte[] value, Condition condition) {
    return value.length == 0 ? new Delete(key, condition) : new Put(key, value, condition);
  }
}
