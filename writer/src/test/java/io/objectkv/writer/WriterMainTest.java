package io.objectkv.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void theL0SlowdownAndStopPointsComeFromTheirSettings() {
    Settings s =
        Settings.load(
            "writer",
            CommonSettings.with(WriterMain.OWN),
            new String[0],
            Map.of(
                "OBJECTKV_WRITER_L0_SLOWDOWN_OBJECTS", "48",
                "OBJECTKV_WRITER_L0_STOP_OBJECTS", "80"));
    WriterConfig c = WriterMain.config(s);
    assertEquals(48, c.groups().l0SlowdownObjects());
    assertEquals(80, c.groups().l0StopObjects());
    Settings backwards =
        Settings.load(
            "writer",
            CommonSettings.with(WriterMain.OWN),
            new String[0],
            Map.of("OBJECTKV_WRITER_L0_SLOWDOWN_OBJECTS", "70"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WriterMain.config(backwards));
    assertTrue(
        e.getMessage().contains("stop point must lie past the slowdown point"), e.getMessage());
  }
}
