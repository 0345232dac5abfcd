package io.objectkv.core.manifest;

import io.objectkv.core.model.Outcome;

/** The first outcome of a request that carried an id, kept so retries get the same answer. */
public record RequestRecord(String requestId, Outcome outcome) {}
