package io.stagecoach.runner;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.bus.Addresses;
import io.stagecoach.client.JobClient;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.EventLog;
import io.stagecoach.testing.Gate;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@DisplayName("Job lifecycle (SPEC §3)")
class JobLifecycleTest {
  private TestEngine engine;

  @AfterEach
  void stop(VertxTestContext test) {
    (engine == null ? Future.succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  private Future<JobClient> start(Vertx vertx, JsonObject config, JobType... types) {
    JobTypeRegistry registry = new JobTypeRegistry();
    for (JobType type : types) {
      registry.register(type);
    }
    return TestEngine.start(vertx, config, registry).map(e -> {
      engine = e;
      return e.jobs;
    });
  }

  private static List<String> eventTypes(Vertx vertx, String jobId) {
    List<String> types = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.jobEvents(jobId), m -> types.add(m.body().getString("type")));
    return types;
  }

  @Test
  @DisplayName("a submitted job starts at once, long before the runner's next poll")
  void startsWithoutPolling(Vertx vertx, VertxTestContext test) {
    // The test engine polls every 30 s; the 5 s bound shows the submission woke the runner.
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.noop").json()).compose(s -> jobs.awaitEnd(s.id())))
        .timeout(5, java.util.concurrent.TimeUnit.SECONDS)
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(1.0, job.getDouble("progress"));
          assertEquals(1, job.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("higher priority runs first among queued jobs")
  void priorities(Vertx vertx, VertxTestContext test) {
    Gate blocker = new Gate();
    List<String> order = new CopyOnWriteArrayList<>();
    JobType recorder = JobType.builder("test.record").handler(ctx -> {
      order.add(ctx.input().getString("name"));
      return Future.succeededFuture(new JsonObject());
    });
    start(vertx, new JsonObject().put("runner", new JsonObject().put("concurrency", 1)), blocker.type("test.block"), recorder)
        .compose(jobs -> jobs.submit(aJob("test.block").json())
            .compose(b -> blocker.awaitStarted(vertx, 1))
            .compose(v -> jobs.submit(aJob("test.record").input("name", "low").priority(-5).json()))
            .compose(v -> jobs.submit(aJob("test.record").input("name", "high").priority(10).json()))
            .compose(v -> jobs.submit(aJob("test.record").input("name", "normal").json()))
            .compose(last -> {
              blocker.open();
              return jobs.awaitEnd(last.id());
            }))
        .compose(v -> Await.until(vertx, () -> Future.succeededFuture(order.size()), n -> n == 3))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(List.of("high", "normal", "low"), order);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a delayed job waits for its runAt, then runs")
  void delayedJob(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.noop").delayMs(400).json())
            .compose(s -> {
              test.verify(() -> assertEquals("queued", s.job().getString("status")));
              return jobs.awaitEnd(s.id());
            }))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          Instant created = Instant.parse(job.getString("createdAt"));
          Instant started = Instant.parse(job.getString("startedAt"));
          assertEquals("succeeded", job.getString("status"));
          assertFalse(started.isBefore(created.plusMillis(400)), "started " + started + " before runAt");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a failed attempt is retried with backoff, keeping its error, until it succeeds")
  void retriesThenSucceeds(Vertx vertx, VertxTestContext test) {
    List<JsonObject> retrying = new CopyOnWriteArrayList<>();
    start(vertx, new JsonObject())
        .compose(jobs -> EventLog.listen(vertx).compose(log -> jobs.submit(aJob("demo.fail").input("failTimes", 2).maxAttempts(3).json())
            .compose(s -> jobs.awaitEnd(s.id()))
            .compose(end -> log.awaitType(vertx, end.getString("id"), "job.succeeded").map(types -> {
              log.of(end.getString("id")).stream().filter(e -> e.getString("type").equals("job.retrying"))
                  .forEach(e -> retrying.add(e.getJsonObject("data")));
              return end;
            }))))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(3, job.getInteger("attempt"));
          assertEquals(3, job.getJsonObject("result").getInteger("attempts"));
          assertNull(job.getJsonObject("error"), "a success clears the error");
          assertEquals(2, retrying.size());
          for (JsonObject queued : retrying) {
            assertEquals("queued", queued.getString("status"));
            assertEquals("demo_failure", queued.getJsonObject("error").getString("code"));
            assertTrue(Instant.parse(queued.getString("runAt")).isAfter(Instant.parse(queued.getString("finishedAt") == null
                ? queued.getString("startedAt") : queued.getString("finishedAt"))), "runAt moved by backoff");
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the last failed attempt fails the job, with the error and the attempts counted")
  void failsAfterLastAttempt(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.fail").input("failTimes", 5).input("message", "boom").maxAttempts(2).json())
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals(2, job.getInteger("attempt"));
          assertEquals("demo_failure", job.getJsonObject("error").getString("code"));
          assertEquals("boom", job.getJsonObject("error").getString("message"));
          assertNull(job.getValue("result"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a non-retryable failure fails the job at once, whatever attempts are left")
  void nonRetryableFailure(Vertx vertx, VertxTestContext test) {
    JobType fatal = JobType.builder("test.fatal")
        .handler(ctx -> Future.failedFuture(new JobFailure("bad_data", "cannot parse", false)));
    start(vertx, new JsonObject(), fatal)
        .compose(jobs -> jobs.submit(aJob("test.fatal").maxAttempts(5).json()).compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals(1, job.getInteger("attempt"));
          assertEquals("bad_data", job.getJsonObject("error").getString("code"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an attempt that runs past timeoutMs fails with code timeout")
  void timeout(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.sleep").input("ms", 10_000).timeoutMs(200).maxAttempts(1).json())
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals("timeout", job.getJsonObject("error").getString("code"));
          assertEquals("failed", job.getJsonArray("stages").getJsonObject(0).getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a timed-out attempt with attempts left is retried")
  void timeoutIsRetried(Vertx vertx, VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    JobType slowOnce = JobType.builder("test.slow-once").handler(ctx -> calls.incrementAndGet() == 1
        ? Future.future(p -> { }) // never completes: only the timeout ends it
        : Future.succeededFuture(new JsonObject().put("attempt", ctx.attempt())));
    start(vertx, new JsonObject(), slowOnce)
        .compose(jobs -> jobs.submit(aJob("test.slow-once").timeoutMs(150).maxAttempts(2).json())
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(2, job.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("cancelling a queued job cancels it at once")
  void cancelQueued(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.noop").delayMs(60_000).json())
            .compose(s -> jobs.cancel(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("cancelled", job.getString("status"));
          assertEquals(0, job.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("cancelling a running job makes it cancelling, tells the handler, and ends it cancelled")
  void cancelRunning(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.sleep").input("ms", 20_000).input("steps", 200).json())
            .compose(s -> {
              List<String> events = eventTypes(vertx, s.id());
              return Await.until(vertx, () -> jobs.get(s.id()), j -> "running".equals(j.getString("status")))
                  .compose(running -> jobs.cancel(s.id()))
                  .compose(cancelling -> {
                    test.verify(() -> assertEquals("cancelling", cancelling.getString("status")));
                    return jobs.awaitEnd(s.id());
                  })
                  .compose(job -> Await.until(vertx, () -> Future.succeededFuture(events), e -> e.contains("job.cancelled"))
                      .map(job));
            }))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("cancelled", job.getString("status"));
          assertEquals("cancelled", job.getJsonArray("stages").getJsonObject(0).getString("status"));
          assertTrue(Instant.parse(job.getString("finishedAt")).isBefore(Instant.parse(job.getString("startedAt")).plusSeconds(10)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a blocking handler runs on a worker thread and is interrupted when its job is cancelled")
  void blockingHandlerInterrupted(Vertx vertx, VertxTestContext test) {
    AtomicInteger onEventLoop = new AtomicInteger();
    JobType blocking = JobType.builder("test.blocking").blockingHandler(ctx -> {
      if (io.vertx.core.Context.isOnEventLoopThread()) {
        onEventLoop.incrementAndGet();
      }
      Thread.sleep(60_000); // interrupted by the cancel
      return new JsonObject();
    });
    start(vertx, new JsonObject(), blocking)
        .compose(jobs -> jobs.submit(aJob("test.blocking").json())
            .compose(s -> Await.until(vertx, () -> jobs.get(s.id()), j -> "running".equals(j.getString("status")))
                .compose(running -> jobs.cancel(s.id()))
                .compose(c -> jobs.awaitEnd(s.id()))))
        .timeout(10, java.util.concurrent.TimeUnit.SECONDS)
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("cancelled", job.getString("status"));
          assertEquals(0, onEventLoop.get());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("stages, progress and params show in the record while the job runs")
  void progressWhileRunning(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.stages").input("stages", 3).input("stepMs", 60).json())
            .compose(s -> Await.until(vertx, () -> jobs.get(s.id()), j -> {
              JsonObject second = j.getJsonArray("stages").getJsonObject(1);
              return "running".equals(j.getString("status")) && "running".equals(second.getString("status"))
                  && !second.getJsonArray("params").isEmpty();
            }).compose(midway -> jobs.awaitEnd(s.id()).map(end -> List.of(midway, end)))))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          JsonObject midway = both.get(0);
          double progress = midway.getDouble("progress");
          assertTrue(progress > 0.3 && progress < 1.0, "midway progress " + progress);
          assertEquals("succeeded", midway.getJsonArray("stages").getJsonObject(0).getString("status"));
          assertEquals("pending", midway.getJsonArray("stages").getJsonObject(2).getString("status"));
          JsonObject end = both.get(1);
          assertEquals("succeeded", end.getString("status"));
          JsonObject param = end.getJsonArray("stages").getJsonObject(2).getJsonArray("params").getJsonObject(1);
          assertEquals("items_processed", param.getString("key"));
          assertEquals("Items processed", param.getString("name"));
          assertEquals(100, param.getInteger("value"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a failing stage fails the job and is marked failed; later stages stay pending")
  void failingStage(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.stages").input("stages", 3).input("stepMs", 5).input("failStage", 2)
                .maxAttempts(1).json())
            .compose(s -> jobs.awaitEnd(s.id())))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("failed", job.getString("status"));
          assertEquals("demo_stage_failed", job.getJsonObject("error").getString("code"));
          assertEquals("succeeded", job.getJsonArray("stages").getJsonObject(0).getString("status"));
          assertEquals("failed", job.getJsonArray("stages").getJsonObject(1).getString("status"));
          assertEquals("pending", job.getJsonArray("stages").getJsonObject(2).getString("status"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("progress events are coalesced to at most one per progress interval")
  void progressCoalesced(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject().put("runner", new JsonObject().put("progressIntervalMs", 100)))
        .compose(jobs -> EventLog.listen(vertx).compose(log -> jobs.submit(aJob("demo.sleep").input("ms", 600).input("steps", 300).json())
            .compose(s -> log.awaitType(vertx, s.id(), "job.succeeded"))))
        .onComplete(test.succeeding(events -> test.verify(() -> {
          long progress = events.stream().filter("job.progress"::equals).count();
          // 300 progress reports in ~600 ms at most one event per 100 ms: far fewer events than reports.
          assertTrue(progress >= 1 && progress <= 12, "progress events: " + progress);
          assertEquals(List.of("job.queued", "job.started", "job.stage.started"), events.subList(0, 3));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("events announce each step: queued, started, stage started/finished, succeeded")
  void events(Vertx vertx, VertxTestContext test) {
    List<JsonObject> all = new CopyOnWriteArrayList<>();
    start(vertx, new JsonObject())
        .compose(jobs -> vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> all.add(m.body())).completion()
            .compose(v -> jobs.submit(aJob("demo.stages").input("stages", 2).input("stepMs", 1).json()))
            .compose(s -> jobs.awaitEnd(s.id())
                .compose(end -> Await.until(vertx, () -> Future.succeededFuture(all),
                    list -> list.stream().anyMatch(e -> e.getString("type").equals("job.succeeded"))))))
        .onComplete(test.succeeding(events -> test.verify(() -> {
          List<String> types = events.stream().map(e -> e.getString("type")).filter(t -> !t.equals("job.progress")).toList();
          assertEquals(List.of("job.queued", "job.started", "job.stage.started", "job.stage.finished",
              "job.stage.started", "job.stage.finished", "job.succeeded"), types);
          JsonObject first = events.get(0);
          assertEquals("default", first.getString("tenant"));
          assertTrue(first.getString("id").matches("[0-9a-f-]{36}"));
          assertTrue(first.getString("timestamp").endsWith("Z"));
          assertEquals("stage_1", events.stream().filter(e -> e.getString("type").equals("job.stage.started"))
              .findFirst().orElseThrow().getJsonObject("data").getString("stage"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("an idempotency key returns the existing job instead of creating another")
  void idempotency(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.noop").idempotencyKey("order-42").json())
            .compose(first -> jobs.submit(aJob("demo.noop").idempotencyKey("order-42").json())
                .map(second -> List.of(first, second)))
            .compose(both -> jobs.submit(aJob("demo.noop").idempotencyKey("order-42").priority(3).json())
                .map(x -> both)
                .recover(e -> {
                  test.verify(() -> assertEquals("idempotency_conflict", ((StagecoachException) e).code().code()));
                  return Future.succeededFuture(both);
                })))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertTrue(both.get(0).created());
          assertFalse(both.get(1).created());
          assertEquals(both.get(0).id(), both.get(1).id());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("retry gives a failed job one more attempt: attempt keeps counting, maxAttempts grows by one")
  void retryFailed(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.fail").input("failTimes", 1).maxAttempts(1).json())
            .compose(s -> jobs.awaitEnd(s.id()))
            .compose(failed -> {
              test.verify(() -> assertEquals("failed", failed.getString("status")));
              return jobs.retry(failed.getString("id"));
            })
            .compose(requeued -> {
              test.verify(() -> {
                assertEquals("queued", requeued.getString("status"));
                assertEquals(2, requeued.getInteger("maxAttempts"));
              });
              return jobs.awaitEnd(requeued.getString("id"));
            }))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("succeeded", job.getString("status"));
          assertEquals(2, job.getInteger("attempt"));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the whole run is logged: attempt starts, handler lines and failures, in order")
  void logs(Vertx vertx, VertxTestContext test) {
    start(vertx, new JsonObject())
        .compose(jobs -> jobs.submit(aJob("demo.fail").input("failTimes", 1).json())
            .compose(s -> jobs.awaitEnd(s.id()).compose(end -> Await.until(vertx, () -> jobs.logs(s.id(), 0, 100),
                page -> page.getJsonArray("items").size() >= 4))))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          List<String> messages = page.getJsonArray("items").stream()
              .map(o -> ((JsonObject) o).getString("message")).toList();
          assertTrue(messages.get(0).startsWith("attempt 1 of 3 started"), messages.toString());
          assertTrue(messages.stream().anyMatch(m -> m.contains("failed: demo_failure")), messages.toString());
          assertTrue(messages.stream().anyMatch(m -> m.startsWith("attempt 2 of 3 started")), messages.toString());
          long seq = 0;
          for (Object o : page.getJsonArray("items")) {
            long next = ((JsonObject) o).getLong("seq");
            assertTrue(next > seq);
            seq = next;
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("jobs run concurrently up to the runner's concurrency, never more")
  void concurrencyBound(Vertx vertx, VertxTestContext test) {
    Gate gate = new Gate();
    start(vertx, new JsonObject().put("runner", new JsonObject().put("concurrency", 3)), gate.type("test.gate"))
        .compose(jobs -> Future.all(List.of(
                jobs.submit(aJob("test.gate").json()), jobs.submit(aJob("test.gate").json()),
                jobs.submit(aJob("test.gate").json()), jobs.submit(aJob("test.gate").json()),
                jobs.submit(aJob("test.gate").json())))
            .compose(v -> gate.awaitStarted(vertx, 3))
            .compose(v -> jobs.list(new JsonObject().put("status", "running")))
            .compose(running -> {
              test.verify(() -> {
                assertEquals(3, running.getJsonArray("items").size());
                assertEquals(3, gate.started().size());
              });
              gate.open();
              return Await.until(vertx, () -> jobs.list(new JsonObject().put("status", "succeeded")),
                  page -> page.getJsonArray("items").size() == 5, Duration.ofSeconds(10));
            }))
        .onComplete(test.succeeding(v -> test.completeNow()));
  }
}
