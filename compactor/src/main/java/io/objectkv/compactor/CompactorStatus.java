package io.objectkv.compactor;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.objectkv.core.manifest.ManifestSummary;

/**
 * What {@code GET /v1/status} of a compactor says.
 *
 * @param compactions compactions run (applied, rejected or abandoned)
 * @param applied of which the writer applied...
 * @param tierMerges ...of which merged L0 objects into one L0 object (the rest went into L1)
 */
public record CompactorStatus(
    String process,
    @JsonUnwrapped ManifestSummary manifest,
    long compactions,
    long applied,
    long tierMerges,
    long rejected,
    long bytesRead,
    long bytesWritten,
    double writeAmplification,
    double spaceAmplification,
    long gcDeleted,
    long failures,
    String lastError) {}
