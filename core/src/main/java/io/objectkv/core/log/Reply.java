package io.objectkv.core.log;

import io.objectkv.core.model.Outcome;

/**
 * The outcome of one client batch, on its way back to the gateway that published it (in the
 * manifest delta of its group: see {@link Replies}). A failed condition travels without its key;
 * the gateway names it from its own batch ({@link Outcome#namedFor}).
 */
public record Reply(String replyTo, long correlationId, Outcome outcome) {}
