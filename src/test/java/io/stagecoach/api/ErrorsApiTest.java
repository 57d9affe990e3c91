package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.config.HttpConfig;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.stagecoach.testing.Tokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The error contract across the API: unknown routes and methods, oversized and hostile bodies,
 * and an engine that is not there, all answered as {@code {"error": {...}}} JSON.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Errors")
class ErrorsApiTest {
  private static final int MAX_BODY_BYTES = 4096;

  private TestEngine engine;
  private Rest rest;
  /** A second Vert.x with nothing but an API in it, for the test that needs the engine missing. */
  private Vertx bare;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    JsonObject overrides = new JsonObject().put("http", new JsonObject().put("maxBodyBytes", MAX_BODY_BYTES));
    TestEngine.start(vertx, overrides, new JobTypeRegistry()).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop()
        .compose(v -> bare == null ? Future.succeededFuture() : bare.close())
        .onComplete(test.succeedingThenComplete());
  }

  private record Call(HttpMethod method, String uri) {
    @Override
    public String toString() {
      return method + " " + uri;
    }
  }

  @Test
  @DisplayName("an unknown route is 404 not_found as JSON, never an HTML page")
  void unknownRoutes(VertxTestContext test) {
    String job = JOBS + "/" + UUID.randomUUID();
    List<Call> calls = List.of(
        new Call(HttpMethod.GET, "/"),
        new Call(HttpMethod.GET, "/api/v1"),
        new Call(HttpMethod.GET, "/api/v1/nope"),
        new Call(HttpMethod.GET, "/api/v2/jobs"),
        new Call(HttpMethod.GET, "/health"),
        new Call(HttpMethod.GET, job + "/nope"),
        new Call(HttpMethod.POST, job + "/pause"),
        new Call(HttpMethod.GET, job + "/logs/1"));
    Checkpoint answered = test.checkpoint(calls.size());
    for (Call call : calls) {
      rest.refused(() -> rest.request(call.method(), call.uri())).onComplete(test.succeeding(r -> test.verify(() -> {
        JsonObject error = assertError(r, 404, "not_found");
        assertTrue(error.getString("message").contains(call.uri()), call + ": " + error.encode());
        answered.flag();
      })));
    }
  }

  @Test
  @DisplayName("a known route with the wrong method is 405 as JSON, and changes nothing")
  void wrongMethods(VertxTestContext test) {
    Checkpoint answered = test.checkpoint(7);
    rest.submit(aJob("demo.noop").delayMs(600_000).json()).onComplete(test.succeeding(created -> {
      String job = JOBS + "/" + created.getString("id");
      List<Call> calls = List.of(
          new Call(HttpMethod.DELETE, JOBS),
          new Call(HttpMethod.PUT, job),
          new Call(HttpMethod.DELETE, job),
          new Call(HttpMethod.GET, job + "/cancel"),
          new Call(HttpMethod.PATCH, job + "/logs"),
          new Call(HttpMethod.POST, "/api/v1/job-types"),
          new Call(HttpMethod.POST, "/health/live"));
      for (Call call : calls) {
        rest.refused(() -> rest.request(call.method(), call.uri()))
            .compose(r -> rest.job(created.getString("id")).map(after -> {
              test.verify(() -> {
                assertError(r, 405, "method_not_allowed");
                assertEquals(created, after, call + " left the job as it was");
              });
              return after;
            }))
            .onComplete(test.succeeding(v -> answered.flag()));
      }
    }));
  }

  @ParameterizedTest(name = "POST {0}")
  @ValueSource(strings = {"/api/v1/jobs", "/api/v1/jobs/batch", "/api/v1/jobs/0192f1a4-0000-7000-8000-000000000000/cancel",
      "/api/v1/nope"})
  @DisplayName("a body over the limit is 413 payload_too_large on any route, and creates nothing")
  void tooLargeEverywhere(String uri, VertxTestContext test) {
    String body = new JsonObject().put("jobs", List.of(aJob("demo.noop").input("pad", "x".repeat(MAX_BODY_BYTES)).json()))
        .encode();
    rest.refused(() -> rest.post(uri, body)).onComplete(test.succeeding(r -> test.verify(() -> {
      assertError(r, 413, "payload_too_large");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("a chunked body that grows over the limit is 413 payload_too_large and creates nothing")
  void tooLargeWhenChunked(VertxTestContext test) {
    HttpClient client = engine.vertx.createHttpClient();
    String chunk = "x".repeat(1024);
    rest.refused(() -> client.request(HttpMethod.POST, engine.port, "127.0.0.1", JOBS)
            .compose(request -> {
              request.setChunked(true).putHeader("Content-Type", "application/json")
                  .putHeader("Authorization", "Bearer " + engine.operatorToken);
              request.write("{\"type\":\"demo.noop\",\"input\":{\"pad\":\"");
              for (int i = 0; i < 2 * MAX_BODY_BYTES / chunk.length(); i++) {
                request.write(chunk);
              }
              request.end("\"}}");
              return request.response();
            })
            .compose(response -> response.body().map(body -> {
              test.verify(() -> assertError(response.statusCode(), response.getHeader("Content-Type"), body.toString(),
                  413, "payload_too_large"));
              return body;
            })))
        .eventually(client::close)
        .onComplete(test.succeedingThenComplete());
  }

  @ParameterizedTest(name = "Content-Type: {0}")
  @CsvSource(delimiter = '|', value = {
      "application/x-www-form-urlencoded | invalid_json",
      "text/plain                        | invalid_json",
      // The multipart decoder takes the body, so what is left is no JSON object at all.
      "multipart/form-data; boundary=xyz | invalid_input"})
  @DisplayName("a submission sent as a form, multipart or text is a 400 JSON error, not a server error, and creates nothing")
  void formBodies(String contentType, String code, VertxTestContext test) {
    rest.refused(() -> rest.prepare(HttpMethod.POST, JOBS).putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer("type=demo.noop&input=%7B%7D")))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertError(r, 400, code);
          test.completeNow();
        })));
  }

  @ParameterizedTest(name = "{0} levels")
  @ValueSource(ints = {65, 1_500})
  @DisplayName("a body nested deeper than 64 levels is 400 invalid_input, not a crash; one 52 deep is accepted")
  void deepNesting(int depth, VertxTestContext test) {
    String tooDeep = "{\"type\":\"demo.noop\",\"input\":{\"a\":" + "[".repeat(depth - 2) + "]".repeat(depth - 2) + "}}";
    String fine = "{\"type\":\"demo.noop\",\"input\":{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}}";
    test.verify(() -> assertTrue(tooDeep.length() < MAX_BODY_BYTES, "refused for its depth, not its size"));
    rest.refused(() -> rest.post(JOBS, tooDeep))
        .compose(r -> {
          test.verify(() -> assertError(r, 400, "invalid_input"));
          return rest.post(JOBS, fine);
        })
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertStatus(r, 202);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an API whose engine is not there answers 503 unavailable, stays live, and serves metrics with NaN job counts")
  void unavailable(VertxTestContext test) {
    bare = Vertx.vertx();
    ApiVerticle api = new ApiVerticle(new HttpConfig("127.0.0.1", 0, HttpConfig.DEFAULT_MAX_BODY_BYTES),
        StagecoachConfig.fromJson(TestEngine.config(new JsonObject())).auth(), EngineMetrics.prometheus());
    bare.deployVerticle(api).compose(id -> {
      Rest alone = new Rest(bare,
          WebClient.create(bare, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(api.port())),
          Tokens.operator());
      return Future.all(
          alone.get("/api/v1/health/ready"),
          alone.get(JOBS),
          alone.post(JOBS, aJob("demo.noop").json()),
          alone.get("/health/live"),
          alone.get("/api/v1/metrics"));
    }).onComplete(test.succeeding(answers -> test.verify(() -> {
      JsonObject error = assertError(answers.resultAt(0), 503, "unavailable");
      assertEquals(new JsonObject().put("store", "down").put("locks", "down"), error.getJsonObject("details"));
      assertError(answers.resultAt(1), 503, "unavailable");
      assertError(answers.resultAt(2), 503, "unavailable");
      assertStatus(answers.resultAt(3), 200);
      HttpResponse<Buffer> metrics = answers.resultAt(4);
      assertStatus(metrics, 200);
      assertTrue(metrics.bodyAsString().lines().anyMatch("stagecoach_jobs{status=\"queued\"} NaN"::equals),
          "the store's counts are unknown, not zero");
      test.completeNow();
    })));
  }
}
