package io.objectkv.compactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.compactor.plan.CompactionPolicy;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompactorMainTest {
  private static Settings settings(Map<String, String> env) {
    return Settings.load("compactor", CommonSettings.with(CompactorMain.OWN), new String[0], env);
  }

  @Test
  void theDeployedPolicyIsTheDefault() {
    assertEquals(CompactionPolicy.DEFAULT, CompactorMain.policy(settings(Map.of())));
  }

  @Test
  void badCompactionSettingsAreConfigurationErrorsThatSayWhy() {
    var notANumber =
        assertThrows(
            Settings.ConfigException.class,
            () ->
                CompactorMain.policy(
                    settings(Map.of("OBJECTKV_COMPACTOR_L0_TO_L1_RATIO", "a tenth"))));
    assertTrue(notANumber.getMessage().contains("OBJECTKV_COMPACTOR_L0_TO_L1_RATIO"));
    var inverted =
        assertThrows(
            Settings.ConfigException.class,
            () ->
                CompactorMain.policy(
                    settings(
                        Map.of(
                            "OBJECTKV_COMPACTOR_MIN_L0_OBJECTS", "16",
                            "OBJECTKV_COMPACTOR_MAX_L0_OBJECTS", "8"))));
    assertTrue(
        inverted.getMessage().contains("max L0 objects >= min L0 objects (got 8)"),
        inverted.getMessage());
  }
}
