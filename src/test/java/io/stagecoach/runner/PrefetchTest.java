package io.stagecoach.runner;

import static io.stagecoach.testing.Submissions.aJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.stagecoach.client.JobClient;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobStatus;
import io.stagecoach.lock.LocalLockBackend;
import io.stagecoach.lock.LockManagerVerticle;
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
import java.util.ArrayList;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** runner.prefetch: jobs claimed beyond the free slots, started when a slot frees. */
@ExtendWith(VertxExtension.class)
@DisplayName("Runner prefetch")
class PrefetchTest {
  private static final JsonObject ONE_SLOT_TWO_PREFETCHED =
      new JsonObject().put("runner", new JsonObject().put("concurrency", 1).put("prefetch", 2));

  private TestEngine engine;

  @AfterEach
  void stop(VertxTestContext test) {
    (engine == null ? Future.succeededFuture() : engine.stop()).onComplete(test.succeedingThenComplete());
  }

  private Future<JobClient> start(Vertx vertx, Gate gate) {
    JobTypeRegistry types = new JobTypeRegistry();
    types.register(gate.type("test.gate"));
    return TestEngine.start(vertx, ONE_SLOT_TWO_PREFETCHED, types).map(e -> {
      engine = e;
      return e.jobs;
    });
  }

  private static Future<List<String>> submitFour(JobClient jobs) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < 4; i++) {
      chain = chain.compose(v -> jobs.submit(aJob("test.gate").json()).map(s -> {
        ids.add(s.id());
        return null;
      }));
    }
    return chain.map(v -> ids);
  }

  private static Future<List<String>> statuses(JobClient jobs, List<String> ids) {
    List<Future<JsonObject>> reads = ids.stream().map(jobs::get).toList();
    return Future.all(reads).map(all -> reads.stream().map(f -> f.result().getString("status")).toList());
  }

  @Test
  @DisplayName("one runs, two are claimed but not started (no job.started), one stays queued; all run in turn")
  void claimsAhead(Vertx vertx, VertxTestContext test) {
    Gate gate = new Gate();
    EventLog[] events = new EventLog[1];
    List<String> ids = new ArrayList<>();
    EventLog.listen(vertx)
        .compose(log -> {
          events[0] = log;
          return start(vertx, gate);
        })
        .compose(jobs -> submitFour(jobs).compose(submitted -> {
          ids.addAll(submitted);
          return gate.awaitStarted(vertx, 1);
        }).compose(v -> Await.until(vertx, () -> statuses(jobs, ids),
            s -> s.equals(List.of("running", "running", "running", "queued"))))
          .compose(s -> {
            assertEquals(List.of(ids.get(0)), gate.started(), "one slot: only the first started");
            assertFalse(events[0].typesOf(ids.get(1)).contains("job.started"), "prefetched, not started");
            gate.open();
            return Future.all(ids.stream().map(jobs::awaitEnd).toList());
          }))
        .onComplete(test.succeeding(ended -> test.verify(() -> {
          assertEquals(ids, gate.started(), "started in claim order");
          for (String id : ids) {
            assertEquals(List.of("job.queued", "job.started", "job.succeeded"), events[0].typesOf(id));
          }
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a prefetched job that is cancelled ends cancelled without its handler running")
  void cancelPrefetched(Vertx vertx, VertxTestContext test) {
    Gate gate = new Gate();
    List<String> ids = new ArrayList<>();
    start(vertx, gate)
        .compose(jobs -> submitFour(jobs).compose(submitted -> {
          ids.addAll(submitted);
          return Await.until(vertx, () -> statuses(jobs, ids), s -> s.get(1).equals("running"));
        }).compose(v -> jobs.cancel(ids.get(1)))
          .compose(v -> jobs.awaitEnd(ids.get(1))))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertEquals("cancelled", job.getString("status"));
          assertFalse(gate.started().contains(ids.get(1)), "its handler never ran");
          gate.open();
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a runner that stops gives its prefetched jobs back to the queue, attempt not counted")
  void stopGivesBack(Vertx vertx, VertxTestContext test) {
    Clock clock = Clock.systemUTC();
    MemoryJobStore store = new MemoryJobStore(clock, 100);
    Gate gate = new Gate();
    JobTypeRegistry types = new JobTypeRegistry();
    types.register(gate.type("test.gate"));
    StagecoachConfig config = StagecoachConfig.fromJson(TestEngine.config(ONE_SLOT_TWO_PREFETCHED));
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jobs.add(new Job(JobIds.next(), "test.gate", "default", clock.instant())
          .input(new JsonObject()).maxAttempts(3).timeoutMs(10_000).labels(Map.of()).fingerprint("f"));
    }
    store.insertAll(jobs)
        .compose(v -> vertx.deployVerticle(new LockManagerVerticle(new LocalLockBackend(clock))))
        .compose(v -> vertx.deployVerticle(new JobRunnerVerticle(config, store, types, clock)))
        .compose(runner -> gate.awaitStarted(vertx, 1)
            .compose(v -> Await.until(vertx, () -> store.get(jobs.get(2).id()), job -> job.status() == JobStatus.RUNNING))
            .compose(v -> vertx.undeploy(runner)))
        .compose(v -> Future.all(store.get(jobs.get(1).id()), store.get(jobs.get(2).id())))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          for (int i = 0; i < 2; i++) {
            Job job = both.resultAt(i);
            assertEquals(JobStatus.QUEUED, job.status());
            assertEquals(0, job.attempt());
            assertNull(job.startedAt());
          }
          assertEquals(List.of(jobs.get(0).id()), gate.started());
          gate.open();
          test.completeNow();
        })));
  }
}
