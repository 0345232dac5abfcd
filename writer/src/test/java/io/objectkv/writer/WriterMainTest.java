package io.objectkv.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WriterMainTest {
  @Test
  void theDeployedDefaultsAreTheDefaultsTestsRunWith() {
    Settings s =
        Settings.load("writer", CommonSettings.with(WriterMain.OWN), new String[0], Map.of());
    WriterConfig deployed = WriterMain.config(s);
    assertEquals(WriterConfig.defaults(deployed.bootstrap(), deployed.names()), deployed);
  }
}
