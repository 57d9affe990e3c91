package io.stagecoach.store.pg;

import static io.stagecoach.testing.Jobs.aQueuedJob;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.testing.Await;
import io.stagecoach.testing.MutableClock;
import io.stagecoach.testing.PgTestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runners in one process hear about jobs another process made runnable ({@code LISTEN/NOTIFY}).
 * Notifications are database-wide, so a wake counts as heard when the count goes up: another
 * process using the same database can only add wakes, never hide one.
 */
@ExtendWith(VertxExtension.class)
class PgWakeupTest {
  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();
  private PgTestSchema schema;
  private final MutableClock clock = new MutableClock();
  private final AtomicInteger wakes = new AtomicInteger();
  private PgJobStore listener;
  private PgJobStore submitter;

  @BeforeEach
  void openStores(Vertx vertx, VertxTestContext test) {
    SCHEMA.get(vertx)
        .compose(created -> {
          schema = created;
          return PgJobStore.create(vertx, schema.uri(), clock, 10);
        })
        .compose(one -> {
          listener = one;
          return PgJobStore.create(vertx, schema.uri(), clock, 10);
        })
        .compose(two -> {
          submitter = two;
          return schema.truncate(vertx);
        })
        .onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void closeStores(VertxTestContext test) {
    Future.join(close(listener), close(submitter)).onComplete(test.succeedingThenComplete());
  }

  private static Future<Void> close(PgJobStore store) {
    return store == null ? Future.succeededFuture() : store.close();
  }

  @Test
  @DisplayName("subscribing wakes the listener once (jobs may have come while it was not listening), and a job inserted by another process wakes it")
  void insertWakes(Vertx vertx, VertxTestContext test) {
    listener.listenForWakeups(wakes::incrementAndGet)
        .compose(listening -> wokenAfter(vertx, 0))
        .compose(subscribed -> {
          int before = wakes.get();
          return submitter.insert(aQueuedJob(clock)).compose(inserted -> wokenAfter(vertx, before));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a store's own inserts do not wake its listener (its runners hear of them over the event bus)")
  void ownInsertsDoNotWake(Vertx vertx, VertxTestContext test) {
    int[] before = new int[1];
    listener.listenForWakeups(wakes::incrementAndGet)
        .compose(listening -> wokenAfter(vertx, 0))
        .compose(subscribed -> {
          before[0] = wakes.get();
          // Notifications arrive in commit order: once the other store's has come, the own one would have.
          return listener.insert(aQueuedJob(clock)).compose(own -> submitter.insert(aQueuedJob(clock)));
        })
        .compose(other -> wokenAfter(vertx, before[0]))
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(before[0] + 1, wakes.get(), "only the other store's insert woke it");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a batch inserted by another process wakes the listener")
  void batchWakes(Vertx vertx, VertxTestContext test) {
    listener.listenForWakeups(wakes::incrementAndGet)
        .compose(listening -> wokenAfter(vertx, 0))
        .compose(subscribed -> {
          int before = wakes.get();
          return submitter.insertAll(List.of(aQueuedJob(clock), aQueuedJob(clock)))
              .compose(inserted -> wokenAfter(vertx, before));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a job queued again by an update in another process wakes the listener")
  void requeueWakes(Vertx vertx, VertxTestContext test) {
    Job job = aQueuedJob(clock);

    submitter.insert(job)
        .compose(inserted -> submitter.claimDue("runner-1", 1, Duration.ofSeconds(30)))
        .compose(claimed -> listener.listenForWakeups(wakes::incrementAndGet))
        .compose(listening -> wokenAfter(vertx, 0))
        .compose(subscribed -> {
          int before = wakes.get();
          return submitter.update(job.id(), j -> {
            j.moveTo(JobStatus.QUEUED, clock.instant());
            return true;
          }).compose(requeued -> wokenAfter(vertx, before));
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("a listener whose connection is cut subscribes again, wakes, and hears later submissions")
  void resubscribes(Vertx vertx, VertxTestContext test) {
    listener.listenForWakeups(wakes::incrementAndGet)
        .compose(listening -> wokenAfter(vertx, 0))
        .compose(subscribed -> {
          int before = wakes.get();
          return schema.sql("""
                  SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
                  WHERE application_name = $1 AND query LIKE 'LISTEN%'
                  """, vertx, schema.applicationName())
              .compose(rows -> {
                test.verify(() -> assertEquals(1, rows.size(), "the listener's connection was found and cut"));
                return wokenAfter(vertx, before);
              });
        })
        .compose(resubscribed -> {
          int before = wakes.get();
          return submitter.insert(aQueuedJob(clock)).compose(inserted -> wokenAfter(vertx, before));
        })
        .onComplete(test.succeedingThenComplete());
  }

  /** Waits until the listener has been woken more than {@code count} times. */
  private Future<Integer> wokenAfter(Vertx vertx, int count) {
    return Await.until(vertx, () -> Future.succeededFuture(wakes.get()), n -> n > count);
  }
}
