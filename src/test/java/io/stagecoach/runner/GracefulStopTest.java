package io.stagecoach.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.Stage;
import io.stagecoach.job.StageStatus;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
import io.stagecoach.store.LogPage;
import io.stagecoach.store.memory.MemoryJobStore;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.EventLog;
import io.stagecoach.testing.Gate;
import io.stagecoach.testing.TestEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** runner.stopGraceMs: a stopping runner lets running handlers finish, then gives back what did not. */
@ExtendWith(VertxExtension.class)
@DisplayName("Runner stop")
class GracefulStopTest {
  private final Clock clock = Clock.systemUTC();
  private final MemoryJobStore store = new MemoryJobStore(clock, 100);
  private final Gate gate = new Gate();

  private Future<String> deployRunner(Vertx vertx, JsonObject runner) {
    JobTypeRegistry types = new JobTypeRegistry();
    types.register(gate.type("test.gate"));
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(new JsonObject().put("runner", runner)));
    return vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock)))
        .compose(v -> vertx.deployVerticle(new JobRunnerVerticle(config, store, types, clock)));
  }

  private Job aGateJob() {
    Job job = new Job(JobIds.next(), "test.gate", "default", clock.instant())
        .input(new JsonObject()).maxAttempts(1).timeoutMs(60_000).labels(Map.of()).fingerprint("f");
    job.stages().add(new Stage("only", "Only", 1));
    return job;
  }

  @Test
  @DisplayName("a handler that finishes within the grace ends as it would have, its lease renewed meanwhile")
  void finishesWithinTheGrace(Vertx vertx, VertxTestContext test) {
    Job job = aGateJob();
    Instant[] stopping = new Instant[1];
    store.insertAll(List.of(job))
        .compose(v -> deployRunner(vertx, new JsonObject().put("stopGraceMs", 10_000).put("leaseTtlMs", 300)))
        .compose(runner -> gate.awaitStarted(vertx, 1).map(runner))
        .compose(runner -> {
          stopping[0] = clock.instant();
          Future<Void> stopped = vertx.undeploy(runner);
          // The first lease ran out 300 ms after the claim: a later end means the stopping runner renewed it.
          return Await.until(vertx, () -> store.get(job.id()),
                  stored -> stored.leaseExpiresAt().isAfter(stopping[0].plusMillis(400)))
              .compose(renewed -> {
                test.verify(() -> assertTrue(!stopped.isComplete(), "the stop waits for the handler"));
                gate.open();
                return stopped;
              });
        })
        .compose(v -> store.get(job.id()))
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(JobStatus.SUCCEEDED, stored.status(), "its end was stored before the stop completed");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a handler still running when the grace runs out is interrupted; its job is queued again, the attempt not counted")
  void givenBackAfterTheGrace(Vertx vertx, VertxTestContext test) {
    Job job = aGateJob();
    EventLog[] events = new EventLog[1];
    EventLog.listen(vertx)
        .compose(log -> {
          events[0] = log;
          return store.insertAll(List.of(job));
        })
        .compose(v -> deployRunner(vertx, new JsonObject().put("stopGraceMs", 200)))
        .compose(runner -> gate.awaitStarted(vertx, 1).compose(v -> vertx.undeploy(runner)))
        .compose(v -> Future.all(store.get(job.id()), store.logs(job.id(), 0, 10)))
        .compose(both -> Await.until(vertx, () -> Future.succeededFuture(events[0].typesOf(job.id())),
            types -> types.size() == 2).map(both))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          Job stored = both.resultAt(0);
          assertEquals(JobStatus.QUEUED, stored.status());
          assertEquals(0, stored.attempt(), "not counted: a job of one attempt is not failed by a deploy");
          assertNull(stored.startedAt());
          assertNull(stored.leaseOwner());
          assertEquals(StageStatus.PENDING, stored.stages().get(0).status());
          List<LogLine> lines = both.<LogPage>resultAt(1).items();
          assertTrue(lines.get(lines.size() - 1).message().contains("the runner stopped before the attempt ended"),
              lines.toString());
          assertEquals(List.of("job.started", "job.queued"), events[0].typesOf(job.id()));
          gate.open();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the job given back runs to its end on the next runner")
  void givenBackJobRunsAgain(Vertx vertx, VertxTestContext test) {
    Job job = aGateJob();
    store.insertAll(List.of(job))
        .compose(v -> deployRunner(vertx, new JsonObject().put("stopGraceMs", 100)))
        .compose(runner -> gate.awaitStarted(vertx, 1).compose(v -> vertx.undeploy(runner)))
        .compose(v -> {
          gate.open();
          return deployRunner(vertx, new JsonObject());
        })
        .compose(v -> Await.until(vertx, () -> store.get(job.id()), stored -> stored.status() == JobStatus.SUCCEEDED,
            Duration.ofSeconds(10)))
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(1, stored.attempt());
          test.completeNow();
        })));
  }
}
