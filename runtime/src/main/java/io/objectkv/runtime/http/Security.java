package io.objectkv.runtime.http;

import io.objectkv.runtime.auth.Guard;
import io.objectkv.runtime.auth.Tokens;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Settings;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a process's HTTP server is protected: who may call it ({@link Guard}) and whether it speaks
 * TLS.
 */
public record Security(Guard guard, Optional<Tls> tls) {
  public static final Security OPEN = new Security(Guard.open(), Optional.empty());

  public static Security from(Settings s) {
    String tokens = s.get(CommonSettings.AUTH_FILE);
    Guard guard;
    try {
      guard =
          tokens.isBlank()
              ? Guard.open()
              : Guard.of(
                  Tokens.load(Path.of(tokens)),
                  s.get(CommonSettings.DATABASE),
                  s.boolValue(CommonSettings.METRICS_OPEN));
    } catch (IllegalArgumentException e) {
      throw new Settings.ConfigException(CommonSettings.AUTH_FILE.name() + ": " + e.getMessage());
    }
    return new Security(guard, tls(s));
  }

  /** The TLS settings, if any: both files or neither. */
  public static Optional<Tls> tls(Settings s) {
    String cert = s.get(CommonSettings.TLS_CERT);
    String key = s.get(CommonSettings.TLS_KEY);
    if (cert.isBlank() != key.isBlank()) {
      throw new Settings.ConfigException(
          "set both OBJECTKV_TLS_CERT and OBJECTKV_TLS_KEY, or neither");
    }
    String ca = s.get(CommonSettings.TLS_CA);
    return cert.isBlank()
        ? Optional.empty()
        : Optional.of(new Tls(Path.of(cert), Path.of(key), ca.isBlank() ? null : Path.of(ca)));
  }

  /** The line a process prints at start about its protection. */
  public String describe(String process) {
    String scheme = tls.isPresent() ? "HTTPS" : "HTTP (no TLS)";
    return guard.enabled()
        ? process + ": serving " + scheme + "; every request but /health needs a bearer token"
        : process
            + ": serving "
            + scheme
            + " with authentication OFF (no OBJECTKV_AUTH_FILE): anyone who can reach it can"
            + " read and write";
  }
}
