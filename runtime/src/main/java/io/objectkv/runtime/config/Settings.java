package io.objectkv.runtime.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A process's configuration: environment variables over an optional settings file ({@code --config
 * FILE} or {@code OBJECTKV_CONFIG_FILE}, {@code KEY=value} lines using the same names) over
 * defaults. Bad values fail at start with a message naming the setting.
 */
public final class Settings {
  private final String process;
  private final List<Setting> declared;
  private final Map<String, String> values;

  private Settings(String process, List<Setting> declared, Map<String, String> values) {
    this.process = process;
    this.declared = declared;
    this.values = values;
  }

  /** Thrown for missing or malformed settings; the message says which and what is expected. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
      super(message);
    }
  }

  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  public static Settings load(
      String process, List<Setting> declared, String[] args, Map<String, String> env) {
    Map<String, String> values = new HashMap<>();
    String file = env.get("OBJECTKV_CONFIG_FILE");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[++i];
      } else {
        throw new ConfigException(
            "unknown argument '"
                + args[i]
                + "'; "
                + process
                + " is configured by environment variables (see --help)");
      }
    }
    if (file != null && !file.isBlank()) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(Path.of(file))) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigException("cannot read settings file " + file + ": " + e.getMessage());
      }
      p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k).trim()));
    }
    for (Setting s : declared) {
      String v = env.get(s.name());
      if (v != null) {
        values.put(s.name(), v);
      }
    }
    for (String k : values.keySet()) {
      if (k.startsWith("OBJECTKV_") && declared.stream().noneMatch(s -> s.name().equals(k))) {
        throw new ConfigException(
            "unknown setting " + k + " in " + file + " (see " + process + " --help)");
      }
    }
    Settings settings = new Settings(process, declared, values);
    for (Setting s : declared) {
      if (s.defaultValue() == null && settings.raw(s).isBlank()) {
        throw new ConfigException(s.name() + " is required: " + s.help());
      }
    }
    return settings;
  }

  private String raw(Setting s) {
    String v = values.get(s.name());
    return v != null ? v : s.defaultValue() == null ? "" : s.defaultValue();
  }

  public String get(Setting s) {
    return raw(s);
  }

  public int intValue(Setting s) {
    try {
      return Integer.parseInt(raw(s).trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(s.name() + " must be an integer, not '" + raw(s) + "'");
    }
  }

  /** A number that is not negative, such as a ratio. */
  public double fractionValue(Setting s) {
    try {
      double v = Double.parseDouble(raw(s).trim());
      if (v >= 0 && Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ConfigException(s.name() + " must be a number >= 0, not '" + raw(s) + "'");
  }

  public long longValue(Setting s) {
    String v = raw(s).trim();
    try {
      long unit = 1;
      String digits = v;
      if (v.endsWith("k") || v.endsWith("K")) {
        unit = 1L << 10;
      } else if (v.endsWith("m") || v.endsWith("M")) {
        unit = 1L << 20;
      } else if (v.endsWith("g") || v.endsWith("G")) {
        unit = 1L << 30;
      }
      if (unit > 1) {
        digits = v.substring(0, v.length() - 1);
      }
      return Long.parseLong(digits) * unit;
    } catch (NumberFormatException e) {
      throw new ConfigException(
          s.name() + " must be a number (with an optional k/M/G suffix), not '" + v + "'");
    }
  }

  public boolean boolValue(Setting s) {
    String v = raw(s).trim().toLowerCase(java.util.Locale.ROOT);
    return switch (v) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default ->
          throw new ConfigException(s.name() + " must be true or false, not '" + raw(s) + "'");
    };
  }

  /** A duration such as {@code 250ms}, {@code 30s}, {@code 10m}. */
  public Duration durationValue(Setting s) {
    String v = raw(s).trim();
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
      }
      if (v.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw new ConfigException(
        s.name() + " must be a duration like 250ms, 30s, 10m or 1h, not '" + v + "'");
  }

  /** The effective configuration, one setting a line, secrets masked: printed at start. */
  public String describe() {
    StringBuilder sb = new StringBuilder(process).append(" configuration:\n");
    for (Setting s : declared) {
      String v = raw(s);
      sb.append("  ")
          .append(s.name())
          .append('=')
          .append(s.secret() && !v.isEmpty() ? "***" : v)
          .append('\n');
    }
    return sb.toString();
  }

  public static String help(String process, String summary, List<Setting> declared) {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: ")
        .append(process)
        .append(" [--config FILE]\n\n")
        .append(summary)
        .append("\n\n");
    sb.append("Settings (environment variables, or KEY=value lines in the --config file):\n");
    for (Setting s : declared) {
      sb.append(String.format("  %-36s %s%n", s.name(), s.help()));
      sb.append(
          String.format(
              "  %-36s %s%n",
              "",
              s.defaultValue() == null
                  ? "(required)"
                  : "default: " + (s.defaultValue().isEmpty() ? "(empty)" : s.defaultValue())));
    }
    return sb.toString();
  }
}
