package io.objectkv.core.model;

/** Why a condition failed; {@link #wireName()} is the API's spelling. */
public enum Reason {
  /** The key exists, and the condition wanted it absent. */
  EXISTS("exists"),
  /** The key does not exist, and the condition needed it. */
  ABSENT("absent"),
  /** The key exists at another version. */
  VERSION_MISMATCH("version_mismatch"),
  /** The key exists with other bytes. */
  VALUE_MISMATCH("value_mismatch");

  private final String wireName;

  Reason(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }
}
