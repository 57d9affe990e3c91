package io.stagecoach.client;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.runner.JobFailure;
import io.stagecoach.runner.JobType;
import io.stagecoach.runner.JobTypeRegistry;
import io.stagecoach.runner.StageHandle;
import io.stagecoach.runner.StageSpec;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Remote workers on stagecoach.work.<type> (SPEC §6)")
class JobWorkerTest {
  private TestEngine engine;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext test) {
    TestEngine.start(vertx, new JsonObject(), new JobTypeRegistry())
        .onComplete(test.succeeding(e -> {
          engine = e;
          test.completeNow();
        }));
  }

  @AfterEach
  void stop(VertxTestContext test) {
    engine.stop().onComplete(test.succeedingThenComplete());
  }

  /** Waits until the engine accepts the worker's type (its announcement arrived). */
  private Future<Void> typeKnown(Vertx vertx, String type) {
    return Await.until(vertx, () -> engine.jobs.jobTypes(),
        types -> types.getJsonArray("items").stream().anyMatch(t -> type.equals(((JsonObject) t).getString("type"))))
        .mapEmpty();
  }

  @Test
  @DisplayName("a worker's stages, params, logs and result land in the record, as a local handler's would")
  void reportsAndResult(Vertx vertx, VertxTestContext test) {
    JobType resize = JobType.builder("images.resize").name("Resize images")
        .stages(StageSpec.of("Download"), StageSpec.of("Resize"))
        .handler(ctx -> {
          ctx.stage("download").start().param("Total files", 3).finish();
          StageHandle resizeStage = ctx.stage("resize").start();
          resizeStage.progress(0.5).param("Files resized", 2).log("halfway");
          resizeStage.param("Files resized", 3).finish();
          return Future.succeededFuture(new JsonObject().put("resized", 3).put("attempt", ctx.attempt()));
        });
    JobWorker.serve(vertx, resize)
        .compose(worker -> typeKnown(vertx, "images.resize"))
        .compose(v -> engine.jobs.submit(aJob("images.resize").json()))
        .compose(s -> {
          test.verify(() -> assertEquals(2, s.job().getJsonArray("stages").size(), "declared stages planned at submission"));
          return engine.jobs.awaitEnd(s.id());
        })
        .compose(job -> Await.until(vertx, () -> engine.jobs.logs(job.getString("id"), 0, 50),
            logs -> logs.getJsonArray("items").stream().anyMatch(l -> "halfway".equals(((JsonObject) l).getString("message"))))
            .map(logs -> List.of(job, logs)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          JsonObject job = r.get(0);
          assertEquals("succeeded", job.getString("status"));
          assertEquals(3, job.getJsonObject("result").getInteger("resized"));
          JsonObject resizeStage = job.getJsonArray("stages").getJsonObject(1);
          assertEquals("succeeded", resizeStage.getString("status"));
          JsonObject param = resizeStage.getJsonArray("params").getJsonObject(0);
          assertEquals("files_resized", param.getString("key"));
          assertEquals(3, param.getInteger("value"), "setting a param again replaces its value");
          assertEquals(3, job.getJsonArray("stages").getJsonObject(0).getJsonArray("params").getJsonObject(0).getInteger("value"));
          JsonObject line = r.get(1).getJsonArray("items").stream().map(JsonObject.class::cast)
              .filter(l -> "halfway".equals(l.getString("message"))).findFirst().orElseThrow();
          assertEquals("resize", line.getString("stage"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a worker's failure is retried like a local one, and its code kept")
  void failureRetried(Vertx vertx, VertxTestContext test) {
    JobType flaky = JobType.builder("remote.flaky").handler(ctx -> ctx.attempt() < 2
        ? Future.failedFuture(new JobFailure("upstream_down", "try later"))
        : Future.succeededFuture(new JsonObject().put("attempt", ctx.attempt())));
    JobWorker.serve(vertx, flaky)
        .compose(worker -> typeKnown(vertx, "remote.flaky"))
        .compose(v -> engine.jobs.submit(aJob("remote.flaky").json()))
        .compose(s -> engine.jobs.awaitEnd(s.id()))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(2, job.getInteger("attempt"));
          assertEquals(2, job.getJsonObject("result").getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a non-retryable worker failure fails the job with the worker's code")
  void fatalFailure(Vertx vertx, VertxTestContext test) {
    JobType fatal = JobType.builder("remote.fatal")
        .handler(ctx -> Future.failedFuture(new JobFailure("bad_image", "not a PNG", false)));
    JobWorker.serve(vertx, fatal)
        .compose(worker -> typeKnown(vertx, "remote.fatal"))
        .compose(v -> engine.jobs.submit(aJob("remote.fatal").json()))
        .compose(s -> engine.jobs.awaitEnd(s.id()))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals(1, job.getInteger("attempt"));
          assertEquals(new JsonObject().put("code", "bad_image").put("message", "not a PNG"), job.getJsonObject("error"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a remote job that is cancelled sees isCancelled() and ends cancelled")
  void cancelRemote(Vertx vertx, VertxTestContext test) {
    Promise<Void> sawCancel = Promise.promise();
    JobType endless = JobType.builder("remote.endless").handler(ctx -> {
      Promise<JsonObject> done = Promise.promise();
      long timer = ctx.vertx().setPeriodic(10, t -> {
        ctx.stage("work").progress(0.1);
        if (ctx.isCancelled()) {
          sawCancel.tryComplete();
          done.tryFail(new io.stagecoach.runner.JobCancelledException());
        }
      });
      return done.future().onComplete(ar -> ctx.vertx().cancelTimer(timer));
    });
    JobWorker.serve(vertx, endless)
        .compose(worker -> typeKnown(vertx, "remote.endless"))
        .compose(v -> engine.jobs.submit(aJob("remote.endless").json()))
        .compose(s -> Await.until(vertx, () -> engine.jobs.get(s.id()), j -> "running".equals(j.getString("status")))
            .compose(running -> engine.jobs.cancel(s.id()))
            .compose(c -> sawCancel.future())
            .compose(v -> engine.jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("cancelled", job.getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job of a type whose worker went away fails its attempt with no_worker")
  void noWorker(Vertx vertx, VertxTestContext test) {
    JobType gone = JobType.builder("remote.gone").handler(ctx -> Future.succeededFuture(new JsonObject()));
    JobWorker.serve(vertx, gone)
        .compose(worker -> typeKnown(vertx, "remote.gone").compose(v -> worker.stop()))
        .compose(v -> engine.jobs.submit(aJob("remote.gone").maxAttempts(1).json()))
        .compose(s -> engine.jobs.awaitEnd(s.id()))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals("no_worker", job.getJsonObject("error").getString("code"));
          assertTrue(job.getJsonObject("error").getString("message").contains("remote.gone"));
          test.completeNow();
        })));
  }
}
