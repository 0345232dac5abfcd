package io.objectkv.compactor;

import io.objectkv.core.manifest.ManifestEdit;
import io.objectkv.core.metrics.Metrics;

/** The compactor's counters, registered once per process. */
final class CompactorMetrics {
  final Metrics.Counter runs;
  final Metrics.Counter applied;
  final Metrics.Counter rejected;
  private final Metrics.Counter tierMerges;
  private final Metrics.Counter l1Compactions;
  final Metrics.Counter bytesRead;
  final Metrics.Counter bytesWritten;
  private final Metrics.Counter bytesWrittenIntoL0;
  private final Metrics.Counter bytesWrittenIntoL1;
  final Metrics.Counter entriesIn;
  final Metrics.Counter entriesOut;
  final Metrics.Counter gcDeleted;
  final Metrics.Counter gcRuns;
  final Metrics.Counter failures;
  final Metrics.Counter l0Ingested;
  final Metrics.Histogram seconds;

  CompactorMetrics(Metrics m) {
    runs = m.counter("objectkv_compactor_runs_total", "Compactions run.");
    failures =
        m.counter(
            "objectkv_compactor_session_failures_total",
            "Compaction sessions that failed and were started again.");
    applied =
        m.counter(
            "objectkv_compactor_results_total",
            "Compactions by the writer's decision.",
            "decision",
            "applied");
    rejected =
        m.counter(
            "objectkv_compactor_results_total",
            "Compactions by the writer's decision.",
            "decision",
            "rejected");
    tierMerges =
        m.counter(
            "objectkv_compactor_applied_total",
            "Compactions applied, by the level of their outputs.",
            "into",
            "L0");
    l1Compactions =
        m.counter(
            "objectkv_compactor_applied_total",
            "Compactions applied, by the level of their outputs.",
            "into",
            "L1");
    bytesRead = m.counter("objectkv_compactor_read_bytes_total", "Bytes read from input objects.");
    bytesWritten =
        m.counter(
            "objectkv_compactor_written_bytes_total",
            "Bytes of output objects written (L0 and L1).");
    bytesWrittenIntoL0 =
        m.counter(
            "objectkv_compactor_output_bytes_total",
            "Bytes of output objects written, by the level they were made for.",
            "into",
            "L0");
    bytesWrittenIntoL1 =
        m.counter(
            "objectkv_compactor_output_bytes_total",
            "Bytes of output objects written, by the level they were made for.",
            "into",
            "L1");
    entriesIn =
        m.counter(
            "objectkv_compactor_entries_in_total", "Entries merged (one per key per compaction).");
    entriesOut =
        m.counter(
            "objectkv_compactor_entries_out_total",
            "Entries written (tombstones and old versions dropped).");
    gcDeleted =
        m.counter("objectkv_compactor_gc_deleted_total", "Objects deleted by garbage collection.");
    gcRuns = m.counter("objectkv_compactor_gc_runs_total", "Garbage collection passes.");
    l0Ingested =
        m.counter(
            "objectkv_compactor_l0_ingested_bytes_total",
            "Bytes of L0 objects the writer added, seen in the manifest log.");
    seconds =
        m.histogram("objectkv_compactor_seconds", "Time of one compaction, merge to decision.");
  }

  /** A compaction into {@code into} wrote {@code bytes} of outputs. */
  void written(ManifestEdit.Level into, long bytes) {
    bytesWritten.add(bytes);
    (into == ManifestEdit.Level.L0 ? bytesWrittenIntoL0 : bytesWrittenIntoL1).add(bytes);
  }

  /** The writer applied a compaction into {@code into}. */
  void applied(ManifestEdit.Level into) {
    applied.inc();
    (into == ManifestEdit.Level.L0 ? tierMerges : l1Compactions).inc();
  }

  long tierMerges() {
    return tierMerges.get();
  }
}
