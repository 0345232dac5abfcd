package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.runtime.http.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The observability files under deploy/ against what they describe: Prometheus scrapes every
 * replica of every ObjectKV service of compose.yaml at its port and nothing else, and every metric
 * the Grafana dashboard queries is one the code registers.
 */
class DeployFilesTest {
  static final Path ROOT = ComposeFileTest.ROOT;

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryProcessOfTheComposeFile() throws IOException {
    Set<String> processes = new TreeSet<>();
    for (Map.Entry<String, Object> s : ComposeFileTest.services().entrySet()) {
      Map<String, Object> svc = (Map<String, Object>) s.getValue();
      if (svc.containsKey("build")) {
        String port =
            ComposeFileTest.env(svc).entrySet().stream()
                .filter(e -> e.getKey().endsWith("_PORT"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
        processes.add(s.getKey() + ":" + port);
      }
    }
    Map<String, Object> config =
        new Yaml().load(Files.readString(ROOT.resolve("deploy/prometheus/prometheus.yml")));
    Set<String> targets = new TreeSet<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
      for (Map<String, Object> sd : (List<Map<String, Object>>) job.get("dns_sd_configs")) {
        assertEquals("A", sd.get("type"), "every replica's address");
        for (String name : (List<String>) sd.get("names")) {
          targets.add(name + ":" + sd.get("port"));
        }
      }
    }
    assertEquals(processes, targets);
  }

  @Test
  void theDashboardQueriesOnlyMetricsTheCodeRegisters() throws IOException {
    JsonNode dashboard =
        Json.parse(Files.readAllBytes(ROOT.resolve("deploy/grafana/dashboards/objectkv.json")));
    Set<String> queried = new TreeSet<>();
    Pattern name = Pattern.compile("objectkv_[a-z0-9_]+");
    for (JsonNode expr : dashboard.findValues("expr")) {
      Matcher m = name.matcher(expr.asText());
      while (m.find()) {
        queried.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
      }
    }
    assertFalse(queried.isEmpty());
    Set<String> registered = new HashSet<>();
    try (Stream<Path> files = Files.walk(ROOT)) {
      for (Path f :
          files
              .filter(p -> p.toString().endsWith(".java"))
              .filter(p -> p.toString().contains("/src/main/"))
              .toList()) {
        Matcher m = Pattern.compile("\"(objectkv_[a-z0-9_]+)\"").matcher(Files.readString(f));
        while (m.find()) {
          registered.add(m.group(1));
        }
      }
    }
    Set<String> unknown = new TreeSet<>(queried);
    unknown.removeAll(registered);
    assertTrue(unknown.isEmpty(), "the dashboard queries metrics nothing registers: " + unknown);
  }
}
