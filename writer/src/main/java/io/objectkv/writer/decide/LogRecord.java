package io.objectkv.writer.decide;

/**
 * A write-log record as the decider sees it.
 *
 * @param offset its offset: the version of what it writes
 * @param timestampMillis its log time (the broker's append time)
 * @param value its bytes (a {@code LogCodec} record)
 */
public record LogRecord(long offset, long timestampMillis, byte[] value) {}
