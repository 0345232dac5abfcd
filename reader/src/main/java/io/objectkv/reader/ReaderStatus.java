package io.objectkv.reader;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.objectkv.core.manifest.ManifestSummary;

/**
 * What {@code GET /v1/status} of a reader says: the manifest it serves and its caches.
 *
 * @param cacheHitRate block reads the memory cache answered, of all block reads since start
 * @param watchOldestVersion the oldest version the change feed can replay from
 */
public record ReaderStatus(
    String process,
    @JsonUnwrapped ManifestSummary manifest,
    double cacheHitRate,
    long memoryCacheBytes,
    long diskCacheBytes,
    long diskCacheFiles,
    long watchHistoryEvents,
    long watchOldestVersion) {}
