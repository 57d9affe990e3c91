package io.stagecoach.api;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** GET /api/v1/metrics: Prometheus text of what this engine did and what its store holds. */
@ExtendWith(VertxExtension.class)
@DisplayName("Metrics")
class MetricsApiTest {
  private static final String METRICS = ApiVerticle.BASE + "/metrics";

  private TestEngine engine;

  @AfterEach
  void stop(VertxTestContext test) {
    (engine == null ? Future.succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  private Future<TestEngine> start(Vertx vertx, JsonObject overrides) {
    return TestEngine.start(vertx, overrides, new JobTypeRegistry()).onSuccess(started -> engine = started);
  }

  @Test
  @DisplayName("counts events, attempts and the store's queued jobs, with the JVM's metrics, for an operator")
  void scrape(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(e -> e.jobs.submit(aJob("demo.noop").json()))
        .compose(done -> engine.jobs.awaitEnd(done.id()))
        .compose(ended -> engine.jobs.submit(aJob("demo.noop").delayMs(60_000).json()))
        .compose(delayed -> engine.http.get(METRICS).send())
        .onComplete(test.succeeding(response -> test.verify(() -> {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertTrue(response.getHeader("Content-Type").startsWith("text/plain; version=0.0.4"));
          String text = response.bodyAsString();
          assertLine(text, "stagecoach_job_events_total{type=\"job.queued\"} 2.0");
          assertLine(text, "stagecoach_job_events_total{type=\"job.succeeded\"} 1.0");
          assertLine(text, "stagecoach_attempts_seconds_count{outcome=\"succeeded\",type=\"demo.noop\"} 1");
          assertLine(text, "stagecoach_jobs{status=\"queued\"} 1.0");
          assertLine(text, "stagecoach_jobs{status=\"running\"} 0.0");
          assertTrue(text.contains("stagecoach_runner_slots{runner=\"runner-"), "the runner's slots");
          assertTrue(text.contains("jvm_memory_used_bytes{"), "the JVM's metrics");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("needs an operator token while auth.protectMetrics is on (the default); is open when it is off")
  void protection(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(e -> e.anonymousHttp.get(METRICS).send())
        .compose(anonymous -> {
          assertEquals(401, anonymous.statusCode());
          return engine.stop();
        })
        .compose(v -> start(vertx, new JsonObject().put("auth", new JsonObject().put("protectMetrics", false))))
        .compose(e -> e.anonymousHttp.get(METRICS).send())
        .onComplete(test.succeeding((HttpResponse<Buffer> open) -> test.verify(() -> {
          assertEquals(200, open.statusCode());
          assertTrue(open.bodyAsString().contains("stagecoach_job_events_total"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("times every request by method, endpoint (its path template, never the path) and status, refused ones too")
  void httpRequests(Vertx vertx, VertxTestContext test) {
    String unknownJob = ApiVerticle.BASE + "/jobs/" + UUID.randomUUID();
    start(vertx, new JsonObject())
        .compose(e -> e.http.get(unknownJob).send())
        .compose(notFound -> engine.http.get(unknownJob).send())
        .compose(again -> engine.anonymousHttp.get(ApiVerticle.BASE + "/jobs").send())
        .compose(anonymous -> engine.http.get(ApiVerticle.BASE + "/no-such-thing").send())
        .compose(unknown -> engine.http.get(METRICS).send())
        .onComplete(test.succeeding(response -> test.verify(() -> {
          String text = response.bodyAsString();
          assertLine(text, "stagecoach_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/jobs/:id\",status=\"404\"} 2");
          assertLine(text, "stagecoach_http_requests_seconds_count{method=\"GET\",route=\"/api/v1/jobs\",status=\"401\"} 1");
          assertLine(text, "stagecoach_http_requests_seconds_count{method=\"GET\",route=\"none\",status=\"404\"} 1");
          assertTrue(text.lines().noneMatch(l -> l.contains(unknownJob)), "a request's path is never a label");
          test.completeNow();
        })));
  }

  private static void assertLine(String text, String line) {
    assertTrue(text.lines().anyMatch(line::equals), "no line '" + line + "' in:\n" + text.lines()
        .filter(l -> l.startsWith("stagecoach_")).reduce("", (a, b) -> a + b + "\n"));
  }
}
