package io.objectkv.core.log;

import io.objectkv.core.model.Outcome;

/** An outcome on its way back to the gateway that published the batch. */
public record ResultRecord(String replyTo, long correlationId, long offset, Outcome outcome) {}
