package io.objectkv.runtime.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The API's OpenAPI 3.1 document, written once ({@code openapi.json} beside this class), and each
 * server's view of it: the operations it registers. A server that registers an operation the
 * document lacks does not start, so the document cannot fall behind the routes.
 */
public final class OpenApi {
  private OpenApi() {}

  /** An operation a server registers: an HTTP method and a path in OpenAPI's form. */
  public record Operation(String method, String path) {
    /**
     * From a route as Javalin spells it: {@code <key>} and {@code {key}} are both {@code {key}}.
     */
    public static Operation ofRoute(String method, String route) {
      return new Operation(
          method.toLowerCase(Locale.ROOT), route.replace('<', '{').replace('>', '}'));
    }
  }

  /** The whole document. */
  public static ObjectNode document() {
    try (InputStream in = OpenApi.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the runtime jar");
      }
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read openapi.json", e);
    }
  }

  /** Every operation the document describes. */
  public static List<Operation> operations(JsonNode document) {
    List<Operation> out = new ArrayList<>();
    document
        .get("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(
                        method -> {
                          if (!method.equals("parameters")) {
                            out.add(new Operation(method, path.getKey()));
                          }
                        }));
    return out;
  }

  /**
   * The document with only the operations in {@code served}.
   *
   * @throws IllegalStateException naming any served operation the document does not describe
   */
  public static ObjectNode servedBy(Set<Operation> served) {
    ObjectNode doc = document();
    Set<Operation> documented = Set.copyOf(operations(doc));
    List<Operation> undocumented =
        served.stream()
            .filter(o -> !documented.contains(o))
            .sorted(Comparator.comparing(Operation::path).thenComparing(Operation::method))
            .toList();
    if (!undocumented.isEmpty()) {
      throw new IllegalStateException(
          "routes missing from openapi.json (runtime/src/main/resources): " + undocumented);
    }
    ObjectNode paths = (ObjectNode) doc.get("paths");
    List<String> emptied = new ArrayList<>();
    paths
        .properties()
        .forEach(
            path -> {
              ObjectNode item = (ObjectNode) path.getValue();
              List<String> methods = new ArrayList<>();
              item.fieldNames().forEachRemaining(methods::add);
              for (String method : methods) {
                if (!method.equals("parameters")
                    && !served.contains(new Operation(method, path.getKey()))) {
                  item.remove(method);
                }
              }
              if (item.size() == (item.has("parameters") ? 1 : 0)) {
                emptied.add(path.getKey());
              }
            });
    paths.remove(emptied);
    return doc;
  }
}
