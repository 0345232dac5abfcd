package io.objectkv.compactor;

/** What {@code GET /v1/status} of a compactor says. */
public record CompactorStatus(
    String process,
    long manifestVersion,
    long appliedVersion,
    int l0Objects,
    long l0Bytes,
    int l1Objects,
    long l1Bytes,
    long compactions,
    long applied,
    long rejected,
    long bytesRead,
    long bytesWritten,
    double writeAmplification,
    double spaceAmplification,
    long gcDeleted,
    long failures,
    String lastError) {}
