package io.objectkv.gateway.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.objectkv.runtime.cluster.Catalog;
import io.objectkv.runtime.cluster.Database;
import io.objectkv.runtime.cluster.OpenDatabases;
import io.objectkv.runtime.http.ApiException;
import io.objectkv.runtime.http.DatabasePaths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code PUT}, {@code GET} and {@code DELETE /v1/db/{db}}, and {@code GET /v1/db}. */
public final class DatabaseRoutes {
  private final Catalog catalog;

  public DatabaseRoutes(Catalog catalog) {
    this.catalog = catalog;
  }

  public void register(JavalinConfig config) {
    config.routes.get("/v1/db", this::list);
    config.routes.put("/v1/db/{db}", this::create);
    config.routes.get("/v1/db/{db}", this::describe);
    config.routes.delete("/v1/db/{db}", this::drop);
  }

  private static Map<String, Object> json(Database d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", d.name());
    m.put("createdAt", d.createdAt().toString());
    return m;
  }

  private void list(Context ctx) {
    List<Map<String, Object>> all =
        available(
            () -> {
              catalog.sync();
              return catalog.live().stream().map(DatabaseRoutes::json).toList();
            });
    ctx.json(Map.of("databases", all));
  }

  private void create(Context ctx) {
    String name = checkedName(ctx);
    Catalog.Created c = available(() -> catalog.create(name));
    ctx.status(c.isNew() ? 201 : 200);
    ctx.json(json(c.database()));
  }

  private void describe(Context ctx) {
    ctx.json(json(OpenDatabases.require(catalog, ctx.pathParam("db"))));
  }

  private void drop(Context ctx) {
    String name = checkedName(ctx);
    if (name.equals(DatabasePaths.DEFAULT)) {
      throw ApiException.badRequest("the default database (the v1 paths) cannot be dropped");
    }
    if (!available(() -> catalog.drop(name))) {
      throw OpenDatabases.noSuchDatabase(name);
    }
    ctx.json(Map.of("name", name, "dropped", true));
  }

  private static String checkedName(Context ctx) {
    String name = ctx.pathParam("db");
    if (!Database.isValidName(name)) {
      throw ApiException.badRequest(
          "a database name is 1-63 of a-z, 0-9 and '-', starting with a letter or digit; got '"
              + name
              + "'");
    }
    return name;
  }

  private static <T> T available(Supplier<T> call) {
    try {
      return call.get();
    } catch (Catalog.CatalogUnavailableException e) {
      throw ApiException.unavailable(e.getMessage());
    }
  }
}
