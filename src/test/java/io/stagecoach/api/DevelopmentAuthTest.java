package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.Stagecoach;
import io.stagecoach.api.auth.Binding;
import io.stagecoach.config.ConfigException;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The embedded default stays two commands: with no keys configured the API makes its own secret
 * and an operator token for the quick start — and then listens on loopback only.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Development auth")
class DevelopmentAuthTest {
  private Stagecoach engine;
  private WebClient http;

  @AfterEach
  void stop(VertxTestContext test) {
    if (http != null) {
      http.close();
    }
    (engine == null ? Future.<Void>succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  /** The test engine's settings without its HS256 secret, with {@code auth} and {@code host}. */
  private static StagecoachConfig development(String host, JsonObject auth) {
    return StagecoachConfig.fromJson(TestEngine.config(new JsonObject()
        .put("http", new JsonObject().put("host", host))
        .put("auth", auth.copy().putNull("hs256Secret"))));
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("with no keys configured, start-up makes a 24-hour operator token of tenant default, which the API takes")
  void makesADevelopmentToken(Vertx vertx, VertxTestContext test) {
    Stagecoach.deploy(vertx, development("127.0.0.1", new JsonObject()), new JobTypeRegistry())
        .compose(e -> {
          engine = e;
          http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(e.httpPort()));
          String token = e.developmentToken().orElseThrow();
          Rest rest = new Rest(vertx, http, token);
          return rest.submit(aJob("demo.noop").json()).compose(job -> rest.as(Tokens.operator()).get(JOBS).map(other -> {
            test.verify(() -> {
              JsonObject claims = payload(token);
              assertEquals(new JsonArray().add("operator"), claims.getJsonArray("roles"));
              assertEquals("default", claims.getString("tenant"));
              assertEquals("developer", claims.getString("sub"));
              assertEquals(24 * 3600, claims.getLong("exp") - claims.getLong("iat"));
              assertEquals("default", job.getString("tenant"));
              TokensApiTest.assertUnauthorized(other, "signature");
            });
            return other;
          }));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a configured secret means no development token")
  void noTokenWithKeys(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(e -> test.verify(() -> {
      assertTrue(e.engine.developmentToken().isEmpty());
      e.stop().onComplete(test.succeedingThenComplete());
    })));
  }

  @ParameterizedTest(name = "http.host {0}")
  @ValueSource(strings = {"0.0.0.0", "192.168.1.10", "::", "example.com"})
  @DisplayName("with development auth, a non-loopback http.host stops the start with a message saying what to do")
  void refusesNonLoopback(String host, Vertx vertx, VertxTestContext test) {
    Stagecoach.deploy(vertx, development(host, new JsonObject()), new JobTypeRegistry())
        .onComplete(test.failing(e -> test.verify(() -> {
          assertTrue(e instanceof ConfigException, e.toString());
          assertTrue(e.getMessage().contains("http.host " + host), e.getMessage());
          assertTrue(e.getMessage().contains("STAGECOACH_JWT_SECRET"), e.getMessage());
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0} is loopback: {1}")
  @CsvSource({"127.0.0.1, true", "127.1.2.3, true", "localhost, true", "LOCALHOST, true", "::1, true", "'[::1]', true",
      "0:0:0:0:0:0:0:1, true", "0.0.0.0, false", "::, false", "10.0.0.1, false", "128.0.0.1, false",
      "127.0.0.1.evil.com, false", "example.com, false", "::ffff:10.0.0.1, false"})
  @DisplayName("loopback means localhost, 127.0.0.0/8 or ::1, and no name is looked up")
  void loopback(String host, boolean loopback) {
    assertEquals(loopback, Binding.isLoopback(host));
  }

  @Test
  @DisplayName("auth.devTokenFile receives the development token, readable by its owner only")
  void writesTheTokenFile(Vertx vertx, VertxTestContext test, @TempDir Path dir) {
    Path file = dir.resolve("dev-token");
    Stagecoach.deploy(vertx, development("127.0.0.1", new JsonObject().put("devTokenFile", file.toString())),
            new JobTypeRegistry())
        .onComplete(test.succeeding(e -> test.verify(() -> {
          engine = e;
          assertEquals(e.developmentToken().orElseThrow() + "\n", Files.readString(file));
          assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a configured secret lets the API listen beyond loopback")
  void keysAllowAnyHost(Vertx vertx, VertxTestContext test) {
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(new JsonObject()
        .put("http", new JsonObject().put("host", "0.0.0.0"))));
    Stagecoach.deploy(vertx, config, new JobTypeRegistry()).onComplete(test.succeeding(e -> {
      engine = e;
      http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(e.httpPort()));
      new Rest(vertx, http, Tokens.operator()).get(JOBS).onComplete(test.succeeding(r -> test.verify(() -> {
        assertStatus(r, 200);
        test.completeNow();
      })));
    }));
  }
}
