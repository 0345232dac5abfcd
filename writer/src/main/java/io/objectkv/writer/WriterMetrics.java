package io.objectkv.writer;

import io.objectkv.core.metrics.Metrics;
import io.objectkv.writer.decide.Decider;
import java.util.EnumMap;
import java.util.Locale;

/** The writer's counters and latencies, registered once per process. */
final class WriterMetrics {
  final Metrics.Counter groups;
  final Metrics.Counter records;
  private final EnumMap<Decider.Tally, Metrics.Counter> tallies =
      new EnumMap<>(Decider.Tally.class);
  final Metrics.Counter l0Objects;
  final Metrics.Counter l0Bytes;
  final Metrics.Counter recoveries;
  final Metrics.Histogram groupSeconds;
  final Metrics.Histogram decideSeconds;
  final Metrics.Histogram uploadSeconds;
  final Metrics.Histogram publishSeconds;
  final Metrics.Histogram recoverySeconds;
  final Metrics.Histogram recordAge;

  Metrics.Counter tally(Decider.Tally t) {
    return tallies.get(t);
  }

  WriterMetrics(Metrics m) {
    groups = m.counter("objectkv_writer_groups_total", "Group commits published.");
    records = m.counter("objectkv_writer_records_total", "Write-log records applied.");
    for (Decider.Tally t : Decider.Tally.values()) {
      tallies.put(
          t,
          switch (t) {
            case COMMITTED, CONDITION_FAILED, REJECTED, EXPIRED, BUSY ->
                m.counter(
                    "objectkv_writer_batches_total",
                    "Batches decided, by outcome.",
                    "outcome",
                    t.name().toLowerCase(Locale.ROOT));
            case DUPLICATE ->
                m.counter(
                    "objectkv_writer_duplicate_requests_total",
                    "Retried request ids answered from the request book.");
            case UNDECODABLE ->
                m.counter(
                    "objectkv_writer_undecodable_records_total",
                    "Write-log records that could not be decoded (skipped).");
            case COMPACTION_APPLIED, COMPACTION_REJECTED ->
                m.counter(
                    "objectkv_writer_compactions_total",
                    "Compaction results by decision.",
                    "decision",
                    t == Decider.Tally.COMPACTION_APPLIED ? "applied" : "rejected");
          });
    }
    l0Objects = m.counter("objectkv_writer_l0_objects_total", "L0 objects uploaded.");
    l0Bytes = m.counter("objectkv_writer_l0_bytes_total", "Bytes of L0 objects uploaded.");
    recoveries =
        m.counter(
            "objectkv_writer_recoveries_total", "Times this process became the active writer.");
    groupSeconds =
        m.histogram(
            "objectkv_writer_group_seconds", "Time to commit a group: decide, upload, publish.");
    decideSeconds =
        m.histogram(
            "objectkv_writer_decide_seconds",
            "Time from taking a group's records to starting the upload of its L0 object.");
    uploadSeconds = m.histogram("objectkv_writer_upload_seconds", "Time to upload an L0 object.");
    publishSeconds =
        m.histogram(
            "objectkv_writer_publish_seconds",
            "Time to append a group's manifest delta (acknowledged) and send its outcomes.");
    recoverySeconds =
        m.histogram(
            "objectkv_writer_recovery_seconds", "Time from winning the partition to serving.");
    recordAge =
        m.histogram(
            "objectkv_writer_record_age_seconds",
            "Time from a record's append to the write log to its decision.");
  }
}
