package io.stagecoach.api;

import static io.stagecoach.api.Rest.JOBS;
import static io.stagecoach.api.Rest.assertError;
import static io.stagecoach.api.Rest.assertInvalidField;
import static io.stagecoach.api.Rest.assertStatus;
import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code POST /api/v1/jobs/{id}/cancel} and {@code /retry}: the moves they allow and the ones they refuse. */
@ExtendWith(VertxExtension.class)
@DisplayName("Cancel and retry")
class ActionsApiTest {
  private static final long LATER = 600_000;

  private TestEngine engine;
  private Rest rest;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx).onComplete(test.succeeding(e -> {
      engine = e;
      rest = new Rest(e);
      test.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> cancel(JsonObject job) {
    return rest.post(JOBS + "/" + job.getString("id") + "/cancel");
  }

  private Future<HttpResponse<Buffer>> retry(JsonObject job) {
    return rest.post(JOBS + "/" + job.getString("id") + "/retry");
  }

  /** A demo.sleep whose handler has started its stage (so a cancel reaches a handler at work). */
  private Future<JsonObject> aRunningSleep() {
    return rest.submit(aJob("demo.sleep").input("ms", 3000).input("steps", 30).json())
        .compose(job -> rest.awaitJob(job.getString("id"), j -> "running".equals(j.getString("status"))
            && "running".equals(j.getJsonArray("stages").getJsonObject(0).getString("status"))));
  }

  private Future<JsonObject> aFailedJob() {
    return rest.submit(aJob("demo.fail").input("failTimes", 5).maxAttempts(1).json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "failed"));
  }

  // ---- cancel --------------------------------------------------------------------------------

  @Test
  @DisplayName("cancelling a queued job answers 202 with it cancelled at once, and it never runs")
  void cancelsAQueuedJob(VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> cancel(job).map(r -> {
          test.verify(() -> {
            assertStatus(r, 202);
            JsonObject cancelled = r.bodyAsJsonObject();
            assertEquals("cancelled", cancelled.getString("status"));
            assertEquals(0, cancelled.getInteger("attempt"), "it never ran");
            assertNotNull(cancelled.getString("finishedAt"));
            assertEquals("\"" + cancelled.getLong("version") + "\"", r.getHeader("ETag"));
            assertTrue(cancelled.getLong("version") > job.getLong("version"));
          });
          return r.bodyAsJsonObject();
        }))
        .compose(cancelled -> rest.job(cancelled.getString("id")).map(read -> {
          test.verify(() -> assertEquals(cancelled, read, "the cancel is stored"));
          return read;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("cancelling a running job answers 202 cancelling; the handler stops and the job ends cancelled")
  void cancelsARunningJob(VertxTestContext test) {
    aRunningSleep()
        .compose(running -> cancel(running).map(r -> {
          test.verify(() -> {
            assertStatus(r, 202);
            assertEquals("cancelling", r.bodyAsJsonObject().getString("status"));
          });
          return running;
        }))
        .compose(running -> rest.awaitStatus(running.getString("id"), "cancelled"))
        .onComplete(test.succeeding(cancelled -> test.verify(() -> {
          assertNull(cancelled.getValue("result"));
          assertNotNull(cancelled.getString("finishedAt"));
          JsonObject stage = cancelled.getJsonArray("stages").getJsonObject(0);
          assertEquals("cancelled", stage.getString("status"));
          int stepsDone = stage.getJsonArray("params").getJsonObject(0).getInteger("value");
          assertTrue(stepsDone < 30, "the handler stopped early, after " + stepsDone + " of 30 steps");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("cancelling a finished job is 409 already_finished and leaves its record as it was")
  void refusesToCancelAFinishedJob(VertxTestContext test) {
    Checkpoint succeeded = test.checkpoint();
    Checkpoint failed = test.checkpoint();
    Checkpoint cancelledTwice = test.checkpoint();
    rest.submit(aJob("demo.noop").json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "succeeded"))
        .onComplete(test.succeeding(done -> refusedAsFinished(test, done, succeeded)));
    aFailedJob().onComplete(test.succeeding(done -> refusedAsFinished(test, done, failed)));
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(job -> cancel(job).map(r -> r.bodyAsJsonObject()))
        .onComplete(test.succeeding(done -> refusedAsFinished(test, done, cancelledTwice)));
  }

  private void refusedAsFinished(VertxTestContext test, JsonObject finished, Checkpoint checkpoint) {
    cancel(finished)
        .compose(r -> rest.job(finished.getString("id")).map(after -> {
          test.verify(() -> {
            assertError(r, 409, "already_finished");
            assertEquals(finished, after, "a refused cancel changes nothing");
          });
          return after;
        }))
        .onComplete(test.succeeding(v -> checkpoint.flag()));
  }

  // ---- retry ---------------------------------------------------------------------------------

  @Test
  @DisplayName("retrying a failed job answers 202 queued with maxAttempts one more; it runs again and attempt keeps counting")
  void retriesAFailedJob(VertxTestContext test) {
    aFailedJob()
        .compose(failed -> {
          test.verify(() -> {
            assertEquals(1, failed.getInteger("attempt"));
            assertEquals(1, failed.getInteger("maxAttempts"));
            assertEquals("demo_failure", failed.getJsonObject("error").getString("code"));
          });
          return retry(failed);
        })
        .compose(r -> {
          JsonObject queued = r.bodyAsJsonObject();
          test.verify(() -> {
            assertStatus(r, 202);
            assertEquals("queued", queued.getString("status"));
            assertEquals(1, queued.getInteger("attempt"), "attempt keeps counting");
            assertEquals(2, queued.getInteger("maxAttempts"));
            assertNull(queued.getValue("finishedAt"));
            assertEquals("\"" + queued.getLong("version") + "\"", r.getHeader("ETag"));
          });
          return rest.awaitJob(queued.getString("id"),
              j -> j.getInteger("attempt") == 2 && "failed".equals(j.getString("status")));
        })
        .onComplete(test.succeeding(again -> test.verify(() -> {
          assertEquals(2, again.getInteger("maxAttempts"));
          assertEquals("demo failure 2 of 5", again.getJsonObject("error").getString("message"), "the second attempt ran");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("retrying a cancelled job queues it now, and it runs to success")
  void retriesACancelledJob(VertxTestContext test) {
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .compose(this::cancel)
        .compose(cancelled -> retry(cancelled.bodyAsJsonObject()))
        .compose(r -> {
          test.verify(() -> {
            assertStatus(r, 202);
            assertEquals("queued", r.bodyAsJsonObject().getString("status"));
          });
          return rest.awaitStatus(r.bodyAsJsonObject().getString("id"), "succeeded");
        })
        .onComplete(test.succeeding(done -> test.verify(() -> {
          assertEquals(1, done.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("retrying a queued, running or succeeded job is 409 and changes nothing")
  void refusesToRetryAJobThatHasNotFailed(VertxTestContext test) {
    Checkpoint queued = test.checkpoint();
    Checkpoint running = test.checkpoint();
    Checkpoint succeeded = test.checkpoint();
    rest.submit(aJob("demo.noop").delayMs(LATER).json())
        .onComplete(test.succeeding(job -> refusedRetry(test, job, queued)));
    aRunningSleep()
        .onComplete(test.succeeding(job -> retry(job).onComplete(test.succeeding(r -> test.verify(() -> {
          assertError(r, 409, "invalid_state");
          running.flag();
        })))));
    rest.submit(aJob("demo.noop").json())
        .compose(job -> rest.awaitStatus(job.getString("id"), "succeeded"))
        .onComplete(test.succeeding(job -> refusedRetry(test, job, succeeded)));
  }

  /** A refused retry of a job that no longer moves: the record is the same after it. */
  private void refusedRetry(VertxTestContext test, JsonObject job, Checkpoint checkpoint) {
    retry(job)
        .compose(r -> rest.job(job.getString("id")).map(after -> {
          test.verify(() -> {
            assertError(r, 409, "invalid_state");
            assertEquals(job, after);
          });
          return after;
        }))
        .onComplete(test.succeeding(v -> checkpoint.flag()));
  }

  // ---- unknown jobs --------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cancel", "retry"})
  @DisplayName("an action on a job that does not exist is 404, on a malformed id 400, and creates nothing")
  void refusesActionsOnMissingJobs(String action, VertxTestContext test) {
    rest.refused(() -> rest.post(JOBS + "/" + UUID.randomUUID() + "/" + action))
        .compose(r -> {
          test.verify(() -> assertError(r, 404, "not_found"));
          return rest.refused(() -> rest.post(JOBS + "/42/" + action));
        })
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertInvalidField(r, "id");
          test.completeNow();
        })));
  }
}
