package io.objectkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.objectkv.cli.Main;
import io.objectkv.gateway.GatewayMain;
import io.objectkv.runtime.config.CommonSettings;
import io.objectkv.runtime.config.Settings;
import io.objectkv.testkit.Poll;
import io.objectkv.testkit.chaos.ChaosCluster;
import io.objectkv.testkit.chaos.ChaosSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's view of a cluster of real processes (each its own JVM, S3 through a counting
 * proxy): every process announces itself, the cost meter's request counts are the requests the
 * store received, and the console page, run in a real headless Chromium, shows what {@code
 * /v1/status} says, browses keys, and asks for a token where the deployment requires one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
  private static final List<String> KINDS =
      List.of("put", "get", "rangedGet", "head", "list", "delete");

  private Path dir;
  private ChaosCluster cluster;
  private Api api;
  private long version7;
  private Optional<Browser> browser;

  @BeforeAll
  void start() throws Exception {
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "console-");
    browser = Browser.find(dir.resolve("chromium"));
    cluster =
        new ChaosCluster(
            dir,
            1,
            ChaosSettings.PROCESSES,
            List.of(dir.resolve("reader-1-cache"), dir.resolve("reader-2-cache")));
    api = new Api(cluster.gateway().toString());
    for (int i = 0; i < 120; i++) {
      Api.Response r = api.put("ck/" + i, "value-" + i);
      assertEquals(200, r.status(), r.toString());
      if (i == 7) {
        version7 = r.version();
      }
    }
    for (int i = 0; i < 60; i++) {
      assertEquals(200, api.get("ck/" + i).status());
    }
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private JsonNode status() {
    Api.Response r = api.send("GET", "/v1/status", null);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private static Map<String, Integer> roles(JsonNode status) {
    Map<String, Integer> n = new TreeMap<>();
    status.get("processes").forEach(p -> n.merge(p.get("role").asText(), 1, Integer::sum));
    return n;
  }

  private static final Map<String, Integer> CLUSTER =
      Map.of("api-gateway", 1, "compactor", 1, "reader", 2, "writer", 2);

  @Test
  void everyProcessAnnouncesItselfAndTheCostMeterCountsWhatTheStoreReceived() {
    JsonNode s =
        Poll.value(
            Duration.ofSeconds(30),
            "every process to announce itself",
            () -> {
              JsonNode st = status();
              return roles(st).equals(CLUSTER) ? st : null;
            });
    for (JsonNode p : s.get("processes")) {
      assertTrue(p.get("url").asText().startsWith("http://127.0.0.1:"), p.toString());
      assertFalse(p.get("version").asText().isBlank());
    }
    long active =
        StreamSupport.stream(s.get("processes").spliterator(), false)
            .filter(p -> p.get("role").asText().equals("writer"))
            .filter(p -> p.get("state").asText().equals("active"))
            .count();
    assertEquals(1, active, "one active writer, one standby: " + s.get("processes"));

    // Each process counts a request before sending it and the proxy when it arrives, and cards
    // are at most two seconds old: so between two readings of the proxy taken more than two
    // seconds apart, the meter's count lies between them. Background work (GC, snapshots) may
    // race a reading: then try again.
    String[] last = {""};
    Poll.until(
        Duration.ofSeconds(90),
        "the cost meter's request counts to match the store's",
        () -> {
          Map<String, Long> before = cluster.s3().requestsByKind();
          sleep(Duration.ofMillis(4500));
          JsonNode counted = status().get("cost").get("requests");
          Map<String, Long> after = cluster.s3().requestsByKind();
          last[0] = "store before " + before + ", meter " + counted + ", store after " + after;
          System.out.println("ConsoleIT: " + last[0]);
          return KINDS.stream()
              .allMatch(
                  k -> {
                    long n = counted.get(k).asLong();
                    return before.getOrDefault(k, 0L) <= n && n <= after.getOrDefault(k, 0L);
                  });
        });
    System.out.println("ConsoleIT: " + last[0]);
    Map<String, Long> received = cluster.s3().requestsByKind();
    assertTrue(received.getOrDefault("put", 0L) > 0 && received.getOrDefault("list", 0L) > 0);

    JsonNode cost = status().get("cost");
    assertTrue(cost.get("writesPerHour").asDouble() > 0, cost.toString());
    assertTrue(cost.get("readsPerHour").asDouble() > 0, cost.toString());
    assertTrue(cost.get("dollarsPerMillionWrites").asDouble() > 0, cost.toString());
    assertEquals("listing", cost.get("storedBytesFrom").asText(), cost.toString());
    assertTrue(cost.get("storedBytes").asLong() > 0);
    JsonNode prices = cost.get("prices");
    JsonNode perHour = cost.get("requestsPerHour");
    double dollars =
        (perHour.get("put").asDouble() * prices.get("putPer1000").asDouble()
                + (perHour.get("get").asDouble() + perHour.get("rangedGet").asDouble())
                    * prices.get("getPer1000").asDouble()
                + perHour.get("head").asDouble() * prices.get("headPer1000").asDouble()
                + perHour.get("list").asDouble() * prices.get("listPer1000").asDouble()
                + perHour.get("delete").asDouble() * prices.get("deletePer1000").asDouble())
            / 1000;
    assertEquals(dollars, cost.get("requestDollarsPerHour").asDouble(), 1e-9 + dollars * 1e-9);
  }

  @Test
  void theConsoleShowsWhatTheStatusSaysAndBrowsesKeys() throws Exception {
    assumeTrue(
        browser.isPresent(),
        "no Chromium here (apt-get install chromium, or set "
            + "OBJECTKV_CHROMIUM): the console's browser test is skipped");
    Poll.until(Duration.ofSeconds(30), "every process", () -> roles(status()).equals(CLUSTER));
    URI console = cluster.gateway().resolve("/console");

    JsonNode before = status();
    String dom = browser.get().dom(URI.create(console + "#prefix=ck/"));
    JsonNode after = status();
    assertTrue(dom.contains("data-state=\"loaded\""), "the page loaded the status");

    long shownManifest = number(field(dom, "manifestVersion"));
    assertTrue(
        before.get("manifestVersion").asLong() <= shownManifest
            && shownManifest <= after.get("manifestVersion").asLong(),
        "manifest version shown " + shownManifest);
    for (String f : List.of("l0Objects", "l1Objects", "appliedVersion")) {
      long shown = number(field(dom, f));
      assertTrue(
          shown == before.get(f).asLong() || shown == after.get(f).asLong(),
          f + " shown " + shown + ", status " + before.get(f) + " then " + after.get(f));
    }
    Map<String, Integer> rows = new TreeMap<>();
    Matcher row = Pattern.compile("<tr data-role=\"([a-z-]+)\">").matcher(dom);
    while (row.find()) {
      rows.merge(row.group(1), 1, Integer::sum);
    }
    assertEquals(CLUSTER, rows, "a row per process, by role");
    for (String kind : KINDS) {
      Matcher m =
          Pattern.compile(
                  "<tr data-kind=\""
                      + kind
                      + "\"><td>[^<]*</td><td[^>]*>[^<]*</td><td[^>]*>([^<]*)<")
              .matcher(dom);
      assertTrue(m.find(), "a row for " + kind);
      long shown = number(m.group(1));
      long from = before.get("cost").get("requests").get(kind).asLong();
      long to = after.get("cost").get("requests").get(kind).asLong();
      assertTrue(from <= shown && shown <= to, kind + " requests shown " + shown);
    }
    assertEquals(
        "$" + before.get("cost").get("prices").get("putPer1000").asText(),
        Stream.of(dom.split("Prices: PUT and LIST ", 2)[1].split(",")).findFirst().orElseThrow());

    // The key browser, linked to a prefix: the first keys in key order with their values.
    assertTrue(dom.contains("data-scanned=\"true\""), "the linked scan ran");
    List<String> keys =
        Pattern.compile("<td data-key=\"\">([^<]*)</td>")
            .matcher(dom)
            .results()
            .map(m -> m.group(1))
            .collect(Collectors.toList());
    assertEquals(50, keys.size(), "a page of 50 keys");
    assertEquals(List.of("ck/0", "ck/1", "ck/10", "ck/100"), keys.subList(0, 4));
    assertTrue(dom.contains("<td>value-100</td>"), "values are shown");

    String value = browser.get().dom(URI.create(console + "#key=ck/7"));
    assertTrue(value.contains("data-shown=\"true\""), "the linked key was shown");
    assertTrue(
        value.contains("version " + version7 + ", 7 bytes"), "its version and size: " + version7);
    assertTrue(value.contains("<pre id=\"value-body\">value-7</pre>"));

    Path png = Path.of("target", "console.png").toAbsolutePath();
    browser.get().screenshot(URI.create(console + "#prefix=ck/"), png, 1400, 1500);
    System.out.println("ConsoleIT: screenshot " + png);
  }

  @Test
  void withTokensTheConsoleAsksForOne() throws Exception {
    assumeTrue(browser.isPresent(), "no Chromium here: the console's browser test is skipped");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, Main.tokenLine("ops", "admin", "*", "okv_console-secret") + "\n");
    Map<String, String> env = new HashMap<>();
    env.put(CommonSettings.DATABASE.name(), "chaos");
    env.put(CommonSettings.KAFKA_BOOTSTRAP.name(), cluster.bootstrap());
    env.put(CommonSettings.AUTH_FILE.name(), tokens.toString());
    env.put(GatewayMain.PORT.name(), "0");
    env.put(
        GatewayMain.READERS.name(),
        String.join(",", cluster.readers().stream().map(URI::toString).toList()));
    Settings settings =
        Settings.load(
            "test",
            Stream.concat(CommonSettings.ALL.stream(), GatewayMain.OWN.stream()).toList(),
            new String[0],
            env);
    try (GatewayMain.Gateway guarded = GatewayMain.start(settings, "console-test")) {
      URI base = URI.create("http://127.0.0.1:" + guarded.port());
      Api anonymous = new Api(base.toString());
      assertEquals(401, anonymous.send("GET", "/v1/status", null).status());
      Api.Response page = anonymous.send("GET", "/console", null);
      assertEquals(200, page.status(), "the page itself holds no data");
      assertNotNull(page.header("Content-Security-Policy"));
      Api.Response withToken =
          anonymous.send("GET", "/v1/status", null, "Authorization", "Bearer okv_console-secret");
      assertEquals(200, withToken.status());

      String dom = browser.get().dom(base.resolve("/console"));
      assertTrue(dom.contains("data-state=\"needs-token\""), "the page asks for a token");
      assertTrue(dom.contains("id=\"login-why\">send Authorization: Bearer"), dom);
      assertEquals("–", field(dom, "l0Objects"), "and shows no figures");
    }
  }

  private static String field(String dom, String name) {
    Matcher m =
        Pattern.compile("data-field=\"" + Pattern.quote(name) + "\"[^>]*>([^<]*)<").matcher(dom);
    assertTrue(m.find(), "no " + name + " in the page");
    return m.group(1);
  }

  private static long number(String shown) {
    return Long.parseLong(shown.replace(",", "").strip());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
