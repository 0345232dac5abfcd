package io.objectkv.writer.validate;

import io.objectkv.core.model.Key;

/** A write an accepted batch makes: {@code value} empty for a delete (a tombstone). */
public record Mutation(Key key, byte[] value) {}
