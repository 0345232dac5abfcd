package io.objectkv.testkit.chaos;

import java.util.Map;

/**
 * Settings of the processes in a chaos run: the defaults, with compactions of both kinds every few
 * groups (into L1 once L0 holds as many bytes as the L1 it overlaps, tier merges of 3 small L0
 * objects meanwhile) and faster GC.
 */
public final class ChaosSettings {
  private ChaosSettings() {}

  public static final Map<String, String> PROCESSES =
      Map.of(
          "OBJECTKV_COMPACTOR_MIN_L0_OBJECTS", "4",
          "OBJECTKV_COMPACTOR_L0_TO_L1_RATIO", "1",
          "OBJECTKV_COMPACTOR_MAX_L0_OBJECTS", "12",
          "OBJECTKV_COMPACTOR_TIER_WIDTH", "3",
          "OBJECTKV_COMPACTOR_TIER_BASE_BYTES", "4k",
          "OBJECTKV_COMPACTOR_GC_GRACE", "20s",
          "OBJECTKV_COMPACTOR_GC_INTERVAL", "5s",
          "OBJECTKV_COMPACTION_MAX_AGE", "60s",
          "OBJECTKV_WRITER_SNAPSHOT_EVERY_DELTAS", "50");
}
