package io.objectkv.writer;

import io.objectkv.core.metrics.Metrics;

/** The writer's counters and latencies, registered once per process. */
final class WriterMetrics {
  final Metrics.Counter groups;
  final Metrics.Counter records;
  final Metrics.Counter committed;
  final Metrics.Counter conditionFailed;
  final Metrics.Counter rejected;
  final Metrics.Counter duplicates;
  final Metrics.Counter undecodable;
  final Metrics.Counter compactionsApplied;
  final Metrics.Counter compactionsRejected;
  final Metrics.Counter l0Objects;
  final Metrics.Counter l0Bytes;
  final Metrics.Counter recoveries;
  final Metrics.Histogram groupSeconds;
  final Metrics.Histogram decideSeconds;
  final Metrics.Histogram uploadSeconds;
  final Metrics.Histogram publishSeconds;
  final Metrics.Histogram recoverySeconds;
  final Metrics.Histogram recordAge;

  WriterMetrics(Metrics m) {
    groups = m.counter("objectkv_writer_groups_total", "Group commits published.");
    records = m.counter("objectkv_writer_records_total", "Write-log records applied.");
    committed =
        m.counter(
            "objectkv_writer_batches_total",
            "Batches decided, by outcome.",
            "outcome",
            "committed");
    conditionFailed =
        m.counter(
            "objectkv_writer_batches_total",
            "Batches decided, by outcome.",
            "outcome",
            "condition_failed");
    rejected =
        m.counter(
            "objectkv_writer_batches_total", "Batches decided, by outcome.", "outcome", "rejected");
    duplicates =
        m.counter(
            "objectkv_writer_duplicate_requests_total",
            "Retried request ids answered from the ledger.");
    undecodable =
        m.counter(
            "objectkv_writer_undecodable_records_total",
            "Write-log records that could not be decoded (skipped).");
    compactionsApplied =
        m.counter(
            "objectkv_writer_compactions_total",
            "Compaction results by decision.",
            "decision",
            "applied");
    compactionsRejected =
        m.counter(
            "objectkv_writer_compactions_total",
            "Compaction results by decision.",
            "decision",
            "rejected");
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
            "objectkv_writer_publish_seconds", "Time to commit the Kafka transaction of a group.");
    recoverySeconds =
        m.histogram(
            "objectkv_writer_recovery_seconds", "Time from winning the partition to serving.");
    recordAge =
        m.histogram(
            "objectkv_writer_record_age_seconds",
            "Time from a record's append to the write log to its decision.");
  }
}
