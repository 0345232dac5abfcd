package io.objectkv.format;

/**
 * What building an SST produced: the facts a manifest records about it. The key bounds cover the
 * entries and the range tombstones.
 */
public record SstSummary(
    long sizeBytes,
    long entryCount,
    int rangeTombstoneCount,
    byte[] minKey,
    byte[] maxKey,
    long minVersion,
    long maxVersion,
    int blockCount) {}
