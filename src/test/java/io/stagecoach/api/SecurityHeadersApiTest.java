package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/** Security headers on every answer, CORS off unless configured, and request logs that never show a token. */
@ExtendWith(VertxExtension.class)
@DisplayName("Security headers, CORS and request logs")
class SecurityHeadersApiTest {
  private static final Map<String, String> SECURITY_HEADERS = Map.of(
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer",
      "Cache-Control", "no-store",
      "Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  private static final String CONSOLE = "https://console.example.com";

  private TestEngine engine;

  @AfterEach
  void stop(VertxTestContext test) {
    (engine == null ? Future.<Void>succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  private Future<Rest> start(Vertx vertx, JsonObject overrides) {
    return TestEngine.start(vertx, overrides, new JobTypeRegistry()).map(e -> {
      engine = e;
      return new Rest(e);
    });
  }

  private static void assertSecurityHeaders(String what, HttpResponse<Buffer> r) {
    SECURITY_HEADERS.forEach((name, value) -> assertEquals(value, r.getHeader(name), what + ": " + name));
  }

  @Test
  @DisplayName("every answer carries the security headers: success, 401, 403, 404, 405, 413, health and an undecodable request")
  void everyAnswer(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 2048)))
        .compose(rest -> Future.all(List.of(
            rest.get(JOBS),
            rest.post(JOBS, aJob("demo.noop").json()),
            rest.anonymous().get(JOBS),
            rest.as(Tokens.of("default", "viewer")).post(JOBS, aJob("demo.noop").json()),
            rest.get("/api/v1/nope"),
            rest.request(HttpMethod.DELETE, JOBS),
            rest.post(JOBS, aJob("demo.noop").input("pad", "x".repeat(4096)).json()),
            rest.anonymous().get("/health/live"),
            rest.get(JOBS + "?type=" + "t".repeat(10_000)))))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          int[] statuses = {200, 202, 401, 403, 404, 405, 413, 200, 414};
          for (int i = 0; i < statuses.length; i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertEquals(statuses[i], r.statusCode(), r.bodyAsString());
            assertSecurityHeaders("answer " + statuses[i], r);
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("CORS is off by default: a browser origin gets no Access-Control-Allow-Origin, and a preflight is not granted")
  void corsOffByDefault(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(rest -> Future.all(
            rest.prepare(HttpMethod.GET, JOBS).putHeader("Origin", CONSOLE).send(),
            rest.anonymous().prepare(HttpMethod.OPTIONS, JOBS).putHeader("Origin", CONSOLE)
                .putHeader("Access-Control-Request-Method", "POST")
                .putHeader("Access-Control-Request-Headers", "authorization,content-type").send()))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          HttpResponse<Buffer> get = all.resultAt(0);
          HttpResponse<Buffer> preflight = all.resultAt(1);
          assertStatus(get, 200);
          assertNull(get.getHeader("Access-Control-Allow-Origin"));
          assertNull(preflight.getHeader("Access-Control-Allow-Origin"));
          assertNull(preflight.getHeader("Access-Control-Allow-Headers"));
          assertTrue(preflight.statusCode() >= 400, "preflight not granted: " + preflight.statusCode());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("with auth.corsOrigins, that origin may call the API with a bearer token; another origin is 403 forbidden")
  void corsWhenConfigured(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject().put("auth", new JsonObject().put("corsOrigins", new JsonArray().add(CONSOLE))))
        .compose(rest -> Future.all(
            rest.anonymous().prepare(HttpMethod.OPTIONS, JOBS).putHeader("Origin", CONSOLE)
                .putHeader("Access-Control-Request-Method", "POST")
                .putHeader("Access-Control-Request-Headers", "authorization,content-type").send(),
            rest.prepare(HttpMethod.GET, JOBS).putHeader("Origin", CONSOLE).send(),
            rest.prepare(HttpMethod.GET, JOBS).putHeader("Origin", "https://evil.example").send()))
        .onComplete(test.succeeding(all -> test.verify(() -> {
          HttpResponse<Buffer> preflight = all.resultAt(0);
          HttpResponse<Buffer> get = all.resultAt(1);
          HttpResponse<Buffer> evil = all.resultAt(2);
          assertTrue(preflight.statusCode() < 300, "preflight granted: " + preflight.statusCode());
          assertEquals(CONSOLE, preflight.getHeader("Access-Control-Allow-Origin"));
          assertTrue(preflight.getHeader("Access-Control-Allow-Headers").toLowerCase().contains("authorization"));
          assertStatus(get, 200);
          assertEquals(CONSOLE, get.getHeader("Access-Control-Allow-Origin"));
          assertError(evil, 403, "forbidden");
          assertNull(evil.getHeader("Access-Control-Allow-Origin"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("request logs name method, path, status and subject, but never a token, a secret or a query string")
  void logsNeverShowTokens(Vertx vertx, VertxTestContext test) {
    Logger access = (Logger) LoggerFactory.getLogger("io.stagecoach.api.access");
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = access.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    access.setLevel(Level.DEBUG);
    String valid = Tokens.aToken().subject("log-test").sign();
    String forged = Tokens.aToken().signHs256("forged-secret-forged-secret-forged-secret-0");
    start(vertx, new JsonObject())
        .compose(rest -> rest.as(valid).get(JOBS + "?type=secret-query-value")
            .compose(r -> rest.as(forged).get(JOBS))
            .compose(r -> rest.as(valid).post(JOBS, "{\"type\":\"demo.noop\",\"input\":{\"password\":\"hunter2\"}}"))
            .compose(r -> rest.as("not.a.token").get(JOBS)))
        .eventually(() -> {
          root.detachAppender(logs);
          access.setLevel(before);
          return Future.succeededFuture();
        })
        .onComplete(test.succeeding(r -> test.verify(() -> {
          List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
          assertTrue(lines.stream().anyMatch(l -> l.contains("GET /api/v1/jobs 200") && l.contains("sub=log-test")),
              "the access log is on: " + lines);
          assertTrue(lines.stream().anyMatch(l -> l.contains("GET /api/v1/jobs 401")), "refusals are logged: " + lines);
          for (String line : lines) {
            assertFalse(line.contains(valid) || line.contains(forged) || line.contains("eyJ"), "a token in the log: " + line);
            assertFalse(line.contains(Tokens.SECRET), "the secret in the log: " + line);
            assertFalse(line.contains("secret-query-value") || line.contains("hunter2"), "request data in the log: " + line);
          }
          test.completeNow();
        })));
  }
}
