package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.objectkv.compactor.CompactorMain;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.reader.ReaderMain;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Setting;
import io.objectkv.writer.WriterMain;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs here, so compose.yaml is checked against what the jars expect: every
 * service's command runs a jar the Dockerfile ships, every setting it passes is one the process
 * declares, and the ports, hosts, bucket and credentials agree with each other.
 */
class ComposeFileTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  static final Map<String, List<Setting>> SETTINGS_BY_JAR =
      Map.of(
          "/app/writer/objectkv-writer.jar", WriterMain.OWN,
          "/app/compactor/objectkv-compactor.jar", CompactorMain.OWN,
          "/app/reader/objectkv-reader.jar", ReaderMain.OWN,
          "/app/api-gateway/objectkv-api-gateway.jar", GatewayMain.OWN);

  @SuppressWarnings("unchecked")
  static Map<String, Object> services() throws IOException {
    Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("compose.yaml")));
    return (Map<String, Object>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  static Map<String, String> env(Object service) {
    Map<String, Object> e =
        (Map<String, Object>) ((Map<String, Object>) service).get("environment");
    Map<String, String> out = new java.util.HashMap<>();
    e.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  static int replicas(Map<String, Object> service) {
    Object deploy = service.get("deploy");
    return deploy == null
        ? 1
        : ((Number) ((Map<String, Object>) deploy).getOrDefault("replicas", 1)).intValue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyProcessServiceRunsAShippedJarWithSettingsItDeclares() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    Map<String, Object> services = services();
    Set<String> jarsUsed = new HashSet<>();
    int writers = 0;
    for (Map.Entry<String, Object> s : services.entrySet()) {
      Map<String, Object> svc = (Map<String, Object>) s.getValue();
      if (!svc.containsKey("build")) {
        continue;
      }
      List<String> command = (List<String>) svc.get("command");
      assertEquals("java", command.get(0), s.getKey());
      int jarAt = command.indexOf("-jar");
      assertTrue(jarAt > 0, s.getKey() + " runs java -jar");
      for (String option : command.subList(1, jarAt)) {
        assertTrue(option.startsWith("-X"), s.getKey() + ": " + option + " is not a JVM option");
      }
      String jar = command.get(jarAt + 1);
      assertTrue(SETTINGS_BY_JAR.containsKey(jar), s.getKey() + " runs an unknown jar " + jar);
      String module = jar.split("/")[2];
      assertTrue(
          dockerfile.contains("/src/" + module + "/target/objectkv-" + module + ".jar " + jar),
          "the Dockerfile ships " + jar);
      assertTrue(
          dockerfile.contains("/src/" + module + "/target/lib /app/" + module + "/lib"),
          "the Dockerfile ships " + module + "'s lib/");
      assertTrue(Files.exists(ROOT.resolve(module).resolve("pom.xml")), module);
      jarsUsed.add(jar);
      writers += jar.contains("writer") ? replicas(svc) : 0;
      Set<String> declared = new HashSet<>();
      Stream.concat(CommonSettings.ALL.stream(), SETTINGS_BY_JAR.get(jar).stream())
          .forEach(x -> declared.add(x.name()));
      for (String name : env(svc).keySet()) {
        assertTrue(
            declared.contains(name),
            s.getKey() + " sets " + name + ", which " + jar + " does not read");
      }
      assertEquals(
          "0.0.0.0",
          env(svc).get(CommonSettings.HTTP_HOST.name()),
          s.getKey() + " must listen beyond its container");
    }
    assertEquals(SETTINGS_BY_JAR.keySet(), jarsUsed, "every process runs");
    assertEquals(2, writers, "a writer and a standby");
    Map<String, Object> reader = (Map<String, Object>) services.get("reader");
    assertTrue(replicas(reader) >= 2, "replicated readers");
    assertTrue(!reader.containsKey("ports"), "a reader publishes no port, so it scales");
  }

  @Test
  @SuppressWarnings("unchecked")
  void hostsPortsBucketAndCredentialsAgree() throws IOException {
    Map<String, Object> services = services();
    Map<String, String> gateway = env(services.get("gateway"));
    List<String> ports =
        (List<String>) ((Map<String, Object>) services.get("gateway")).get("ports");
    // Published on the host's loopback only: the cluster runs without tokens by default.
    assertEquals(
        List.of(
            "127.0.0.1:"
                + gateway.get(GatewayMain.PORT.name())
                + ":"
                + gateway.get(GatewayMain.PORT.name())),
        ports);
    assertTrue(
        !gateway.containsKey(GatewayMain.READERS.name()),
        "the gateway finds the readers as they announce themselves");
    Map<String, String> kafka = env(services.get("kafka"));
    assertTrue(
        ((String) ((Map<String, Object>) services.get("kafka")).get("image"))
            .startsWith("apache/kafka:"));
    assertTrue(kafka.get("KAFKA_PROCESS_ROLES").contains("controller"), "KRaft");
    assertEquals(
        "PLAINTEXT://" + gateway.get(CommonSettings.KAFKA_BOOTSTRAP.name()),
        kafka.get("KAFKA_ADVERTISED_LISTENERS"));
    Map<String, String> minio = env(services.get("minio"));
    assertEquals(minio.get("MINIO_ROOT_USER"), gateway.get("OBJECTKV_S3_ACCESS_KEY"));
    assertEquals(minio.get("MINIO_ROOT_PASSWORD"), gateway.get("OBJECTKV_S3_SECRET_KEY"));
    assertEquals("minio", URI.create(gateway.get("OBJECTKV_S3_ENDPOINT")).getHost());
    String init =
        String.join(
            " ",
            (List<String>) ((Map<String, Object>) services.get("minio-init")).get("entrypoint"));
    assertTrue(
        init.contains("mc mb --ignore-existing local/" + gateway.get("OBJECTKV_S3_BUCKET")),
        "the bucket is created: " + init);
    assertTrue(
        init.contains(minio.get("MINIO_ROOT_USER") + " " + minio.get("MINIO_ROOT_PASSWORD")), init);
  }
}
