package io.objectkv.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A server run as a child JVM, its output in a log file, stopped with the test JVM. */
public final class ServerProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java <jvmArgs...>} and waits until {@code ready} holds or the process dies. */
  public static ServerProcess start(
      String name, List<String> jvmArgs, Path log, Duration timeout, BooleanSupplier ready) {
    return start(name, jvmArgs, java.util.Map.of(), log, timeout, ready);
  }

  /** As above, with extra environment variables for the child. */
  public static ServerProcess start(
      String name,
      List<String> jvmArgs,
      java.util.Map<String, String> env,
      Path log,
      Duration timeout,
      BooleanSupplier ready) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    try {
      Files.createDirectories(log.getParent());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      builder.environment().putAll(env);
      Process p = builder.start();
      ServerProcess server = new ServerProcess(name, p, log);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-" + name));
      try {
        Poll.until(
            timeout,
            name + " to start (log: " + log + ")",
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    name
                        + " exited with "
                        + p.exitValue()
                        + " during start; see "
                        + log
                        + ":\n"
                        + tail(log));
              }
              return ready.getAsBoolean();
            });
      } catch (RuntimeException | AssertionError e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the server gets no chance to clean up (fault tests). */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private void waitFor() {
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
