package io.objectkv.runtime;

import io.objectkv.kafka.KafkaClients;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.runtime.config.Settings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The life of a deployable process: {@code --help}, settings (a bad one stops it with a message
 * naming the setting, exit 2), the effective configuration printed at start, then running until
 * SIGTERM/SIGINT, when it closes what it started.
 */
public final class ProcessMain {
  private ProcessMain() {}

  /** Starts the process from its settings; closing the result stops it. */
  @FunctionalInterface
  public interface Starter {
    AutoCloseable start(Settings settings) throws Exception;
  }

  public static void run(
      String process, String summary, List<Setting> own, String[] args, Starter starter) {
    List<Setting> declared = CommonSettings.with(own);
    if (Settings.wantsHelp(args)) {
      System.out.print(Settings.help(process, summary, declared));
      return;
    }
    Settings settings;
    try {
      settings = Settings.load(process, declared, args, System.getenv());
    } catch (Settings.ConfigException e) {
      System.err.println(process + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    System.out.print(settings.describe());
    String kafkaProperties = settings.get(CommonSettings.KAFKA_CLIENT_PROPERTIES);
    if (!kafkaProperties.isBlank()) {
      Map<String, String> p;
      try {
        p = KafkaClients.readProperties(Path.of(kafkaProperties));
      } catch (UncheckedIOException e) {
        System.err.println(
            process
                + ": "
                + CommonSettings.KAFKA_CLIENT_PROPERTIES.name()
                + ": "
                + e.getMessage()
                + " ("
                + e.getCause()
                + ")");
        System.exit(2);
        return;
      }
      KafkaClients.deploymentProperties(p);
      // Names only: values may be secrets.
      System.out.println(
          process + ": Kafka client properties from " + kafkaProperties + ": " + p.keySet());
    }
    haltOnError(process);
    watchParent(System.getenv("OBJECTKV_PARENT_PID"), process);
    AutoCloseable running;
    try {
      running = starter.start(settings);
    } catch (Settings.ConfigException e) {
      System.err.println(process + ": " + e.getMessage());
      System.exit(2);
      return;
    } catch (Exception e) {
      System.err.println(process + " failed to start: " + e);
      e.printStackTrace();
      System.exit(1);
      return;
    }
    System.out.println(
        process
            + ": started "
            + (System.currentTimeMillis()
                - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime())
            + " ms after the JVM did, "
            + ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(d -> d.toMillis() + " ms of CPU")
                .orElse("CPU time unknown"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println(process + ": stopping");
                  try {
                    running.close();
                  } catch (Exception e) {
                    System.err.println(process + ": error while stopping: " + e);
                  }
                  stopped.countDown();
                },
                "shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A thread lost to an Error (out of memory, stack overflow) leaves the process half alive: its
   * HTTP port answers while its work has stopped. Exit instead, so the supervisor restarts it;
   * everything it did is either in S3 and the manifest or redone by the next one.
   */
  private static void haltOnError(String process) {
    Thread.setDefaultUncaughtExceptionHandler(
        (thread, e) -> {
          System.err.println(process + ": thread " + thread.getName() + " died: " + e);
          e.printStackTrace();
          if (e instanceof VirtualMachineError) {
            System.err.println(process + ": exiting (status 3) after " + e);
            Runtime.getRuntime().halt(3);
          }
        });
  }

  /**
   * Under a launcher ({@code objectkv local} sets {@code OBJECTKV_PARENT_PID}), exits when the
   * launcher is gone, so a killed launcher leaves no process behind. The launcher holds the other
   * end of this process's stdin, which closes when it dies however it dies: the watch blocks on
   * that pipe and wakes once. A thread that polled every second cost about 0.3 ms of CPU a wake-up
   * on a small virtual machine, in each of seven processes. Without such a pipe (stdin at its end
   * at once, or unreadable) it polls.
   */
  private static void watchParent(String pid, String process) {
    if (pid == null || pid.isBlank()) {
      return;
    }
    long parent = Long.parseLong(pid.trim());
    Thread.ofPlatform()
        .daemon()
        .name("parent-watch")
        .start(
            () -> {
              drainUntilClosed(System.in);
              while (ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              System.err.println(process + ": the launcher (pid " + parent + ") is gone; stopping");
              System.exit(0);
            });
  }

  /** Reads {@code in} to its end or first failure, discarding what it reads. */
  private static void drainUntilClosed(InputStream in) {
    byte[] discard = new byte[256];
    try {
      while (in.read(discard) >= 0) {
        // a launcher writes nothing; anything else is not ours to act on
      }
    } catch (IOException e) {
      // no pipe to wait on: the caller polls
    }
  }

  /** Closes each in order, even when one fails. */
  public static AutoCloseable all(AutoCloseable... parts) {
    return () -> {
      Exception first = null;
      for (AutoCloseable p : parts) {
        try {
          p.close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    };
  }
}
