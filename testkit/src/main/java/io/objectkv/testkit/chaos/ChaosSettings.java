package io.objectkv.testkit.chaos;

import java.util.Map;

/**
 * Settings of the processes in a chaos run: the defaults, with compaction every 4 L0 objects and
 * faster GC.
 */
public final class ChaosSettings {
  private ChaosSettings() {}

  public static final Map<String, String> PROCESSES =
      Map.of(
          "OBJECTKV_COMPACTOR_MIN_L0_OBJECTS", "4",
          "OBJECTKV_COMPACTOR_L0_TO_L1_RATIO", "0",
          "OBJECTKV_COMPACTOR_GC_GRACE", "20s",
          "OBJECTKV_COMPACTOR_GC_INTERVAL", "5s",
          "OBJECTKV_COMPACTION_MAX_AGE", "60s",
          "OBJECTKV_WRITER_SNAPSHOT_EVERY_DELTAS", "50");
}
