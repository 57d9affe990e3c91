package io.stagecoach.store.memory;

import static io.stagecoach.testing.Jobs.TENANT;
import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static io.stagecoach.testing.Jobs.anIdempotentJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.store.JobQuery;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobStoreContract;
import io.stagecoach.store.memory.MemoryJobStore.Held;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemoryJobStoreTest extends JobStoreContract {
  private static final int MAX_FINISHED = 5;

  /** A store of its own that keeps {@value #MAX_FINISHED} finished jobs, beside the contract's. */
  private MemoryJobStore capped;

  @Override
  protected Future<JobStore> newStore(Vertx vertx, Clock clock, int logCap) {
    return Future.succeededFuture(new MemoryJobStore(clock, logCap));
  }

  @BeforeEach
  void createCappedStore() {
    capped = new MemoryJobStore(clock, LOG_CAP, MAX_FINISHED, new MemoryOutbox());
  }

  @Test
  @DisplayName("beyond maxFinished, each finish evicts the job that finished first, with its logs and idempotency key; unfinished jobs stay")
  void finishedJobsAreCapped(VertxTestContext test) {
    List<Job> finishing = IntStream.range(0, 12)
        .mapToObj(i -> anIdempotentJob(clock, TENANT, "key-" + i, "fp")).toList();
    Job queued = aQueuedJob(clock).runAt(clock.instant().plusSeconds(3_600));
    Job running = aQueuedJob(clock).priority(1);
    List<Job> all = new ArrayList<>(finishing);
    all.add(queued);
    all.add(running);

    capped.insertAll(all)
        .compose(v -> capped.claimDue("runner-1", 1, Duration.ofHours(1)))
        .compose(claimed -> inOrder(finishing, job -> capped.appendLogs(job.id(), List.of(aLogLine(clock, "done")))
            .compose(v -> cancel(job))))
        .compose(v -> Future.all(finishing.stream().map(this::logCount).toList()))
        .compose(logCounts -> capped.list(new JobQuery(null, null, null, null, null, JobQuery.MAX_LIMIT))
            .map(page -> {
              test.verify(() -> {
                List<String> listed = page.items().stream().map(Job::id).toList();
                for (int i = 0; i < finishing.size(); i++) {
                  boolean kept = i >= finishing.size() - MAX_FINISHED;
                  assertEquals(kept, listed.contains(finishing.get(i).id()), "job " + i + " listed");
                  assertEquals(kept ? 1 : 0, (int) logCounts.resultAt(i), "log lines of job " + i);
                }
                assertTrue(listed.contains(queued.id()), "a queued job is never evicted");
                assertTrue(listed.contains(running.id()), "a running job is never evicted");
                assertEquals(new Held(MAX_FINISHED + 2, MAX_FINISHED, MAX_FINISHED, MAX_FINISHED), capped.held(),
                    "no logs or idempotency keys outlive their jobs");
              });
              return page;
            }))
        .compose(v -> Future.all(capped.get(finishing.get(0).id()), capped.get(finishing.get(6).id()),
            capped.get(finishing.get(7).id()), capped.get(queued.id())))
        .onComplete(test.succeeding(got -> test.verify(() -> {
          assertNull(got.resultAt(0), "the first to finish is gone");
          assertNull(got.resultAt(1), "the seventh too");
          assertNotNull(got.resultAt(2), "the eighth is among the five kept");
          assertEquals(JobStatus.QUEUED, ((Job) got.resultAt(3)).status());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a finished job retried is not evicted while it is queued, and counts from its new finish once it ends again")
  void retriedJobIsNotEvicted(VertxTestContext test) {
    Job retried = aQueuedJob(clock);
    List<Job> others = IntStream.range(0, MAX_FINISHED + 1).mapToObj(i -> aQueuedJob(clock)).toList();
    List<Job> all = new ArrayList<>(others);
    all.add(retried);

    capped.insertAll(all)
        .compose(v -> cancel(retried))
        .compose(v -> capped.update(retried.id(), job -> {
          job.retryOnceMore(clock.instant());
          return true;
        }))
        .compose(v -> inOrder(others, this::cancel))
        .compose(v -> Future.all(capped.get(retried.id()), capped.get(others.get(0).id())))
        .compose(got -> {
          test.verify(() -> {
            assertEquals(JobStatus.QUEUED, ((Job) got.resultAt(0)).status(), "queued again, so kept");
            assertNull(got.resultAt(1), "the other job that finished first went instead");
            assertEquals(MAX_FINISHED, capped.held().finished());
          });
          return cancel(retried);
        })
        .compose(v -> Future.all(capped.get(retried.id()), capped.get(others.get(1).id())))
        .onComplete(test.succeeding(got -> test.verify(() -> {
          assertEquals(JobStatus.CANCELLED, ((Job) got.resultAt(0)).status(), "the newest finished job is kept");
          assertNull(got.resultAt(1), "its second finish evicted the oldest left");
          assertEquals(MAX_FINISHED, capped.held().finished());
          test.completeNow();
        })));
  }

  /** Ends a queued job as cancelled, a millisecond after the last. */
  private Future<Job> cancel(Job job) {
    clock.advance(Duration.ofMillis(1));
    return capped.update(job.id(), j -> {
      j.moveTo(JobStatus.CANCELLED, clock.instant());
      return true;
    });
  }

  private Future<Integer> logCount(Job job) {
    return capped.logs(job.id(), 0, 100).map(page -> page.items().size());
  }

  private static <T> Future<Void> inOrder(List<T> items, Function<T, Future<?>> step) {
    Future<Void> chain = Future.succeededFuture();
    for (T item : items) {
      chain = chain.compose(v -> step.apply(item)).mapEmpty();
    }
    return chain;
  }
}
