package io.stagecoach.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the config file and the {@code STAGECOACH_*} environment overrides with vertx-config,
 * then validates the result into a {@link StagecoachConfig}.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("conf", "config.json");
  /** In {@link #ENV_KEYS}: the key takes the variable's value. */
  private static final String VALUE = "";

  /** Environment variable → the dotted config keys it sets: its own value, or a fixed one. */
  static final Map<String, Map<String, String>> ENV_KEYS = Map.of(
      "STAGECOACH_HTTP_HOST", Map.of("http.host", VALUE),
      "STAGECOACH_HTTP_PORT", Map.of("http.port", VALUE),
      // Naming a database or a Redis is choosing that backend.
      "STAGECOACH_PG_URI", Map.of("store.pgUri", VALUE, "store.kind", "postgres"),
      "STAGECOACH_REDIS_URI", Map.of("locks.redisUri", VALUE, "locks.backend", "redis"),
      "STAGECOACH_JWT_SECRET", Map.of("auth.hs256Secret", VALUE),
      "STAGECOACH_WEBHOOKS_ALLOW_PRIVATE", Map.of("webhooks.allowPrivate", VALUE),
      "STAGECOACH_WEBHOOKS_TRUST_PEM", Map.of("webhooks.trustPem", VALUE));

  private ConfigLoader() {
  }

  /**
   * Reads {@code file} (when null: {@link #DEFAULT_FILE} if it exists, else built-in defaults)
   * with the environment over it. Fails with a {@link ConfigException} naming what is wrong.
   */
  public static Future<StagecoachConfig> load(Vertx vertx, Path file) {
    Path path = file != null ? file : DEFAULT_FILE;
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0).setIncludeDefaultStores(false);
    if (file != null || Files.exists(DEFAULT_FILE)) {
      if (!Files.isReadable(path)) {
        return Future.failedFuture(new ConfigException("config file " + path + " cannot be read"));
      }
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
          .setConfig(new JsonObject().put("path", path.toString())));
    }
    options.addStore(new ConfigStoreOptions().setType("env")
        .setConfig(new JsonObject().put("raw-data", true).put("keys", new JsonArray(ENV_KEYS.keySet().stream().toList()))));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
    return retriever.getConfig()
        .recover(e -> Future.failedFuture(new ConfigException("cannot read " + path + ": " + e.getMessage())))
        .map(ConfigLoader::applyEnvironment)
        .map(StagecoachConfig::fromJson)
        .eventually(() -> {
          retriever.close();
          return Future.succeededFuture();
        });
  }

  /** Moves the flat {@code STAGECOACH_*} entries the env store added onto the keys they override. */
  static JsonObject applyEnvironment(JsonObject merged) {
    JsonObject config = merged.copy();
    for (Map.Entry<String, Map<String, String>> env : ENV_KEYS.entrySet()) {
      Object value = config.remove(env.getKey());
      if (value != null) {
        env.getValue().forEach((key, fixed) -> put(config, key, VALUE.equals(fixed) ? value : fixed));
      }
    }
    return config;
  }

  private static void put(JsonObject config, String dottedKey, Object value) {
    String[] path = dottedKey.split("\\.");
    JsonObject parent = config;
    for (int i = 0; i < path.length - 1; i++) {
      parent = parent.getJsonObject(path[i], null) == null ? putObject(parent, path[i]) : parent.getJsonObject(path[i]);
    }
    parent.put(path[path.length - 1], value);
  }

  private static JsonObject putObject(JsonObject parent, String key) {
    JsonObject child = new JsonObject();
    parent.put(key, child);
    return child;
  }
}
