package io.objectkv.embeddedkafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a single-node Kafka broker in KRaft mode (broker and controller in one process) on loopback,
 * formatting its storage on first start. Data survives restarts of the same directory.
 *
 * <pre>
 * java -cp 'embedded-kafka/target/classes:embedded-kafka/target/lib/*' io.objectkv.embeddedkafka.EmbeddedKafka \
 *     --dir DIR --port 9092 --controller-port 9093 [--parent-pid PID] [--config key=value]...
 * </pre>
 *
 * With {@code --secure-port PORT --pem FILE [--scram-user NAME:PASSWORD]} it also listens for
 * clients over TLS with SASL/SCRAM-SHA-256, as a secured deployment does.
 *
 * <p>With {@code --parent-pid}, the broker stops when that process is gone, so a killed test run
 * leaves no broker behind.
 */
public final class EmbeddedKafka {
  private EmbeddedKafka() {}

  private static final String CLUSTER_ID = "T2JqZWN0S1ZMb2NhbEt2QQ";

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        usage(System.out);
        return;
      }
      if (i + 1 >= args.length || !a.startsWith("--")) {
        usage(System.err);
        System.exit(2);
      }
      String value = args[++i];
      if (a.equals("--config")) {
        int eq = value.indexOf('=');
        overrides.put(value.substring(0, eq), value.substring(eq + 1));
      } else {
        options.put(a.substring(2), value);
      }
    }
    Path dir = Path.of(options.getOrDefault("dir", "kafka-data")).toAbsolutePath();
    int port = Integer.parseInt(options.getOrDefault("port", "9092"));
    int controllerPort =
        Integer.parseInt(options.getOrDefault("controller-port", Integer.toString(port + 1)));
    if (options.containsKey("parent-pid")) {
      watchParent(Long.parseLong(options.get("parent-pid")));
    }

    Files.createDirectories(dir);
    Path logs = dir.resolve("logs");
    Path config = dir.resolve("server.properties");
    if (options.containsKey("secure-port")) {
      overrides.putAll(
          secureListener(
              port,
              controllerPort,
              Integer.parseInt(options.get("secure-port")),
              required(options, "pem")));
    }
    writeConfig(config, logs, port, controllerPort, overrides);
    if (!Files.exists(logs.resolve("meta.properties"))) {
      java.util.List<String> format =
          new java.util.ArrayList<>(
              java.util.List.of("format", "-t", CLUSTER_ID, "-c", config.toString()));
      if (options.containsKey("scram-user")) {
        // name:password; the credential exists before any client connects
        String[] user = options.get("scram-user").split(":", 2);
        format.addAll(
            java.util.List.of(
                "--add-scram", SCRAM + "=[name=" + user[0] + ",password=" + user[1] + "]"));
      }
      int rc = kafka.tools.StorageTool.execute(format.toArray(String[]::new), System.out);
      if (rc != 0) {
        System.err.println("formatting the Kafka storage in " + logs + " failed (exit " + rc + ")");
        System.exit(rc);
      }
    }
    System.out.println("embedded Kafka starting on 127.0.0.1:" + port + " (data in " + logs + ")");
    kafka.Kafka.main(new String[] {config.toString()});
  }

  private static final String SCRAM = "SCRAM-SHA-256";

  /**
   * A second client listener on {@code securePort}: TLS with the key and certificate chain in the
   * PEM file {@code pem}, clients authenticated by SASL/SCRAM-SHA-256. The plain listener stays for
   * the broker itself.
   */
  private static Map<String, String> secureListener(
      int port, int controllerPort, int securePort, String pem) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + port
            + ",SASL_SSL://127.0.0.1:"
            + securePort
            + ",CONTROLLER://127.0.0.1:"
            + controllerPort);
    p.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:" + port + ",SASL_SSL://127.0.0.1:" + securePort);
    p.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    p.put("sasl.enabled.mechanisms", SCRAM);
    p.put(
        "listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.put("listener.name.sasl_ssl.ssl.keystore.type", "PEM");
    p.put("listener.name.sasl_ssl.ssl.keystore.location", pem);
    return p;
  }

  private static String required(Map<String, String> options, String name) {
    String v = options.get(name);
    if (v == null) {
      usage(System.err);
      System.exit(2);
    }
    return v;
  }

  private static void writeConfig(
      Path config, Path logs, int port, int controllerPort, Map<String, String> overrides)
      throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logs.toString());
    // One node: every internal topic has one replica; fewer partitions start faster.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "3");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "3");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("min.insync.replicas", "1");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Writers fail over by consumer-group session timeout: allow short ones.
    p.put("group.min.session.timeout.ms", "1000");
    p.put("message.max.bytes", Integer.toString(8 << 20));
    // An idle controller appends a no-op record to the metadata log this often (500 ms by
    // default) and the broker side applies each: about a quarter of an idle broker's CPU.
    p.put("metadata.max.idle.interval.ms", "10000");
    // One machine's broker: one network thread and two request handlers instead of 3 and 8, so a
    // request more often finds its thread awake. Under 256 clients' puts the broker used 17-33%
    // less CPU per write (docs/design.md, "The local broker's threads").
    p.put("num.network.threads", "1");
    p.put("num.io.threads", "2");
    p.putAll(overrides);
    try (Writer w = Files.newBufferedWriter(config)) {
      for (Map.Entry<String, String> e : p.entrySet()) {
        w.write(e.getKey() + "=" + e.getValue() + "\n");
      }
    }
  }

  /**
   * Stops the broker once the parent is gone. The parent holds the other end of stdin, which closes
   * when it dies: the watch blocks on it and wakes once (a poll every second cost about 0.3 ms of
   * CPU a wake-up on a small virtual machine). Without such a pipe it polls.
   */
  private static void watchParent(long pid) {
    Thread watcher =
        new Thread(
            () -> {
              byte[] discard = new byte[256];
              try {
                while (System.in.read(discard) >= 0) {
                  // the parent writes nothing
                }
              } catch (IOException e) {
                // no pipe to wait on: poll
              }
              while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  return;
                }
              }
              System.err.println(
                  "parent process " + pid + " is gone; stopping the embedded broker");
              System.exit(0);
            },
            "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }

  private static void usage(PrintStream out) {
    out.println(
        "usage: EmbeddedKafka --dir DIR [--port 9092] [--controller-port 9093] [--parent-pid PID]\n"
            + "         [--secure-port PORT --pem KEY_AND_CHAIN.pem [--scram-user NAME:PASSWORD]]"
            + " [--config key=value]...");
    out.println(
        "Runs a single-node KRaft Kafka broker on 127.0.0.1; formats DIR/logs on first start.");
  }
}
