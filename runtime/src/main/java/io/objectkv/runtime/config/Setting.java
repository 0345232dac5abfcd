package io.objectkv.runtime.config;

/**
 * One configuration setting: read from the environment variable {@code name}, or the same key in
 * the optional settings file.
 *
 * @param defaultValue null when the setting is required
 * @param secret whether to mask it when the effective configuration is printed
 */
public record Setting(String name, String defaultValue, String help, boolean secret) {
  public static Setting of(String name, String defaultValue, String help) {
    return new Setting(name, defaultValue, help, false);
  }

  public static Setting secret(String name, String help) {
    return new Setting(name, "", help, true);
  }

  /**
   * A typed default as a setting's text, so a default is written once (in the typed config) and the
   * setting shows it: {@code 250ms}, {@code 30s}, {@code 20m}, {@code 6h}.
   */
  public static String text(java.time.Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** A typed byte count as a setting's text: {@code 64M}, {@code 1G}, {@code 4k}, {@code 100}. */
  public static String bytes(long n) {
    for (String unit : new String[] {"G", "M", "k"}) {
      long size = unit.equals("G") ? 1L << 30 : unit.equals("M") ? 1L << 20 : 1L << 10;
      if (n != 0 && n % size == 0) {
        return n / size + unit;
      }
    }
    return Long.toString(n);
  }
}
