package io.objectkv.runtime;

import java.time.Duration;

/** The wait between two turns of a worker's loop. */
public final class Pause {
  private Pause() {}

  /**
   * Sleeps for {@code d}. An interrupt ends the pause early and stays set, so the caller's loop
   * sees it at its next blocking call or check and stops there.
   */
  public static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
