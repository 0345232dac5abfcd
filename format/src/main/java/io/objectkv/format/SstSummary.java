package io.objectkv.format;

/** What building an SST produced: the facts a manifest records about it. */
public record SstSummary(
    long sizeBytes,
    long entryCount,
    byte[] minKey,
    byte[] maxKey,
    long minVersion,
    long maxVersion,
    int blockCount) {}
