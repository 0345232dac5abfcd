package io.objectkv.core.manifest;

import io.objectkv.core.model.Outcome;

/**
 * The first outcome of a request that carried an id, kept so retries get the same answer.
 *
 * @param decidedAtMillis the log time it was decided at: it is remembered for a retention period of
 *     log time after that
 */
public record RequestRecord(String requestId, Outcome outcome, long decidedAtMillis) {}
