package io.objectkv.writer.validate;

import io.objectkv.core.model.Key;

/**
 * A write an accepted batch makes: {@code value} empty for a delete (a tombstone); {@code
 * expiresAtMillis} when the value expires, {@code Entry.NEVER} for never.
 */
public record Mutation(Key key, byte[] value, long expiresAtMillis) {}
