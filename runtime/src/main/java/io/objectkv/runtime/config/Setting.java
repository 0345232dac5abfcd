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
}
