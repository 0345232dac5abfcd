package io.objectkv.e2e;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real headless Chromium, run once per page: it loads the page, runs its scripts for a few
 * (virtual) seconds, then prints the resulting DOM or saves a screenshot.
 */
record Browser(Path executable, Path profiles) {

  /** Chromium from {@code OBJECTKV_CHROMIUM} or the usual places; empty if there is none. */
  static Optional<Browser> find(Path profiles) {
    String configured = System.getenv("OBJECTKV_CHROMIUM");
    return Stream.concat(
            configured == null ? Stream.empty() : Stream.of(configured),
            Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"))
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst()
        .map(p -> new Browser(p, profiles));
  }

  /** The DOM after the page's scripts ran. */
  String dom(URI page) throws IOException, InterruptedException {
    return new String(run(page, List.of("--dump-dom")), StandardCharsets.UTF_8);
  }

  void screenshot(URI page, Path png, int width, int height)
      throws IOException, InterruptedException {
    run(
        page,
        List.of("--window-size=" + width + "," + height, "--screenshot=" + png.toAbsolutePath()));
    if (!Files.isRegularFile(png) || Files.size(png) == 0) {
      throw new IOException("chromium saved no screenshot at " + png);
    }
  }

  private byte[] run(URI page, List<String> what) throws IOException, InterruptedException {
    Files.createDirectories(profiles);
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    // A closed network: no background connections, no sandbox (tests may run as root).
    command.addAll(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--user-data-dir=" + Files.createTempDirectory(profiles, "profile-"),
            "--virtual-time-budget=5000"));
    command.addAll(what);
    command.add(page.toString());
    Path err = Files.createTempFile(profiles, "chromium-", ".log");
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("chromium did not finish in 60 s; see " + err);
    }
    if (p.exitValue() != 0) {
      throw new IOException("chromium exited with " + p.exitValue() + "; see " + err);
    }
    return out;
  }
}
