package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.LogCapture;
import io.stagecoach.testing.PgTestSchema;
import io.stagecoach.testing.Services;
import io.stagecoach.testing.TcpProxy;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An engine whose PostgreSQL and Redis went away (their proxies stopped, so connections are
 * refused): the API answers {@code 503} in the contract's shape with a plain message and a
 * {@code Retry-After}, and nothing of the failure — class names, addresses, server text — but the
 * log has the cause.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("503 answers")
class UnavailableApiTest {
  private PgTestSchema schema;
  private TcpProxy pg;
  private TcpProxy redis;
  private TestEngine engine;
  private Rest rest;
  private LogCapture logs;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    PgTestSchema.create(vertx)
        .compose(s -> {
          schema = s;
          return TcpProxy.inFrontOf(vertx, s.uri());
        })
        .compose(p -> {
          pg = p;
          return TcpProxy.inFrontOf(vertx, Services.redis());
        })
        .compose(r -> {
          redis = r;
          return TestEngine.start(vertx, new JsonObject()
              .put("store", new JsonObject().put("kind", "postgres").put("pgUri", schema.uriVia("127.0.0.1", pg.port())))
              .put("locks", new JsonObject().put("backend", "redis").put("redisUri", "redis://127.0.0.1:" + redis.port())),
              new JobTypeRegistry());
        })
        .onComplete(test.succeeding(e -> {
          engine = e;
          rest = new Rest(e);
          logs = LogCapture.start();
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(Vertx vertx, VertxTestContext test) {
    logs.stop();
    (engine == null ? Future.<Void>succeededFuture() : engine.stop())
        .eventually(() -> pg == null ? Future.succeededFuture() : pg.stop())
        .eventually(() -> redis == null ? Future.succeededFuture() : redis.stop())
        .eventually(() -> schema == null ? Future.succeededFuture() : schema.drop(vertx))
        .onComplete(test.succeedingThenComplete());
  }

  /** The answer is exactly the contract's 503, with {@code message}, and shows nothing of where or why. */
  private void assertPlain503(HttpResponse<Buffer> answer, String message, int... ports) {
    String text = answer.bodyAsString();
    assertEquals(503, answer.statusCode(), text);
    assertEquals(new JsonObject().put("error", new JsonObject().put("code", "unavailable").put("message", message)
        .put("details", new JsonObject())), new JsonObject(text));
    assertNotNull(answer.getHeader("Retry-After"), "a 503 says when to try again");
    for (int port : ports) {
      assertTrue(!text.contains(String.valueOf(port)), "the answer names a port: " + text);
    }
  }

  @Test
  @DisplayName("with PostgreSQL gone, job calls are 503 'the store is unavailable', and the cause is logged once, on one line")
  void storeGone(VertxTestContext test) {
    int port = pg.port();
    pg.stop()
        .compose(v -> Future.all(rest.get(JOBS), rest.post(JOBS, aJob("demo.noop").json())))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          assertPlain503(answers.resultAt(0), "the store is unavailable", port, 5432);
          assertPlain503(answers.resultAt(1), "the store is unavailable", port, 5432);
          List<ILoggingEvent> causes = logs.events().stream()
              .filter(e -> e.getLoggerName().startsWith("io.stagecoach") && e.getLevel() == Level.WARN
                  && e.getFormattedMessage().contains(":" + port))
              .toList();
          assertEquals(2, causes.size(), () -> "one line per refused call, naming the cause: " + logs.events());
          causes.forEach(e -> assertEquals(null, e.getThrowableProxy(), "no stack trace: " + e.getFormattedMessage()));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("with Redis gone, the lock list is 503 'the lock backend is unavailable', naming no host, port or Redis text")
  void locksGone(VertxTestContext test) {
    int port = redis.port();
    redis.stop()
        .compose(v -> rest.get("/api/v1/locks"))
        .onComplete(test.succeeding(answer -> test.verify(() -> {
          assertPlain503(answer, "the lock backend is unavailable", port, 6379);
          test.completeNow();
        })));
  }
}
