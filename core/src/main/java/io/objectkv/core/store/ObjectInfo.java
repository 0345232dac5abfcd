package io.objectkv.core.store;

import java.time.Instant;

/** An object's key (relative to the store's prefix), size and last-modified time. */
public record ObjectInfo(String key, long size, Instant lastModified) {}
