package io.stagecoach.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
class ConfigLoaderTest {

  @Test
  @DisplayName("applyEnvironment moves STAGECOACH_HTTP_* onto http.host and http.port, keeping the rest of the section")
  void environmentOverridesFile() {
    JsonObject merged = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8080).put("maxBodyBytes", 2048))
        .put("runner", new JsonObject().put("concurrency", 4))
        .put("STAGECOACH_HTTP_HOST", "0.0.0.0")
        .put("STAGECOACH_HTTP_PORT", "9090");
    JsonObject before = merged.copy();

    JsonObject applied = ConfigLoader.applyEnvironment(merged);

    assertEquals(new JsonObject()
        .put("http", new JsonObject().put("host", "0.0.0.0").put("port", "9090").put("maxBodyBytes", 2048))
        .put("runner", new JsonObject().put("concurrency", 4)), applied);
    assertEquals(before, merged, "the input is not changed");
    StagecoachConfig config = StagecoachConfig.fromJson(applied);
    assertEquals(new HttpConfig("0.0.0.0", 9090, 2048), config.http());
  }

  @Test
  @DisplayName("STAGECOACH_WEBHOOKS_TRUST_PEM sets webhooks.trustPem, over the file's")
  void environmentSetsTrustPem() {
    JsonObject file = new JsonObject()
        .put("webhooks", new JsonObject().put("trustPem", "/etc/file-ca.pem").put("maxPerTenant", 5))
        .put("STAGECOACH_WEBHOOKS_TRUST_PEM", "/etc/env-ca.pem");

    JsonObject applied = ConfigLoader.applyEnvironment(file);

    assertEquals(new JsonObject().put("trustPem", "/etc/env-ca.pem").put("maxPerTenant", 5),
        applied.getJsonObject("webhooks"));
  }

  @Test
  @DisplayName("STAGECOACH_PG_URI and STAGECOACH_REDIS_URI choose PostgreSQL and Redis over the file's memory and local")
  void environmentChoosesBackends() {
    JsonObject file = new JsonObject()
        .put("store", new JsonObject().put("kind", "memory").put("logCap", 10))
        .put("locks", new JsonObject().put("backend", "local"))
        .put("STAGECOACH_PG_URI", "postgresql://postgres@127.0.0.1:5432/postgres")
        .put("STAGECOACH_REDIS_URI", "redis://127.0.0.1:6379");

    StagecoachConfig config = StagecoachConfig.fromJson(ConfigLoader.applyEnvironment(file));

    assertTrue(config.store().isPostgres());
    assertEquals("postgresql://postgres@127.0.0.1:5432/postgres", config.store().pgUri());
    assertEquals(10, config.store().logCap());
    assertTrue(config.locks().isRedis());
    assertEquals("redis://127.0.0.1:6379", config.locks().redisUri());
  }

  @Test
  @DisplayName("applyEnvironment creates the section an override needs when the file has none")
  void environmentCreatesSection() {
    JsonObject applied = ConfigLoader.applyEnvironment(new JsonObject().put("STAGECOACH_HTTP_PORT", "0"));

    assertEquals(new JsonObject().put("http", new JsonObject().put("port", "0")), applied);
    assertEquals(0, StagecoachConfig.fromJson(applied).http().port());
  }

  @Test
  @DisplayName("applyEnvironment leaves a config without overrides as it is")
  void noEnvironment() {
    JsonObject file = new JsonObject().put("http", new JsonObject().put("port", 1234)).put("demoTypes", false);

    assertEquals(file, ConfigLoader.applyEnvironment(file));
  }

  @Test
  @DisplayName("a bad value from the environment is refused like one from the file, naming the key")
  void badEnvironmentValue() {
    JsonObject applied = ConfigLoader.applyEnvironment(new JsonObject().put("STAGECOACH_HTTP_PORT", "http"));

    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> StagecoachConfig.fromJson(applied));
    assertTrue(e.getMessage().contains("http.port"), e.getMessage());
  }

  @Test
  @DisplayName("load reads a real config file into typed settings")
  void loadFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, """
        {
          "http": {"host": "127.0.0.1", "maxBodyBytes": 4096},
          "store": {"logCap": 25},
          "runner": {"concurrency": 3, "leaseTtlMs": 2000},
          "jobs": {"maxAttempts": 5},
          "demoTypes": false
        }
        """);

    ConfigLoader.load(vertx, file).onComplete(test.succeeding(config -> test.verify(() -> {
      assertEquals(4096, config.http().maxBodyBytes());
      assertEquals(25, config.store().logCap());
      assertEquals(3, config.runner().concurrency());
      assertEquals(Duration.ofSeconds(2), config.runner().leaseTtl());
      assertEquals(5, config.jobs().maxAttempts());
      assertEquals(JobDefaults.DEFAULT_TIMEOUT, config.jobs().timeout(), "unset keys keep their defaults");
      assertFalse(config.demoTypes());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("the shipped conf/config.json says exactly what the built-in defaults say")
  void shippedConfigIsTheDefaults(Vertx vertx, VertxTestContext test) {
    ConfigLoader.load(vertx, ConfigLoader.DEFAULT_FILE).onComplete(test.succeeding(config -> test.verify(() -> {
      StagecoachConfig defaults = StagecoachConfig.defaults();
      // The HTTP listener may be overridden by the environment this test runs in.
      assertEquals(defaults.store(), config.store());
      assertEquals(defaults.locks(), config.locks());
      assertEquals(defaults.runner(), config.runner());
      assertEquals(defaults.jobs(), config.jobs());
      assertEquals(defaults.demoTypes(), config.demoTypes());
      assertEquals(defaults.http().maxBodyBytes(), config.http().maxBodyBytes());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a missing explicit config file fails with a ConfigException naming the path")
  void missingFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) {
    Path missing = dir.resolve("nope.json");

    ConfigLoader.load(vertx, missing).onComplete(test.failing(e -> test.verify(() -> {
      assertInstanceOf(ConfigException.class, e);
      assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a config file that is not JSON fails with a ConfigException naming the path")
  void malformedFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\"http\": {\"port\": 80,");

    ConfigLoader.load(vertx, file).onComplete(test.failing(e -> test.verify(() -> {
      assertInstanceOf(ConfigException.class, e);
      assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a config file with an unknown key fails the load with a ConfigException naming the key")
  void unknownKeyInFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"store\": {\"kind\": \"memory\", \"logcap\": 10}}");

    ConfigLoader.load(vertx, file).onComplete(test.failing(e -> test.verify(() -> {
      assertInstanceOf(ConfigException.class, e);
      assertTrue(e.getMessage().contains("'store.logcap'"), e.getMessage());
      test.completeNow();
    })));
  }
}
