package io.stagecoach.store.pg;

import io.stagecoach.testing.PgTestSchema;
import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static io.stagecoach.testing.Jobs.anIdempotentJob;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLine;
import io.stagecoach.store.Inserted;
import io.stagecoach.store.JobQuery;
import io.stagecoach.store.LogPage;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several stores on one database, as several engine processes would run: each has its own pool,
 * so their statements really do run at the same time.
 */
@ExtendWith(VertxExtension.class)
class PgConcurrencyTest {
  private static final int PROCESSES = 8;
  private static final int LOG_CAP = 10_000;
  private static final Duration LEASE = Duration.ofSeconds(30);

  @RegisterExtension
  static final PgTestSchema.PerClass SCHEMA = new PgTestSchema.PerClass();
  private PgTestSchema schema;
  private final MutableClock clock = new MutableClock();
  private final List<PgJobStore> stores = new ArrayList<>();

  @BeforeEach
  void openStores(Vertx vertx, VertxTestContext test) {
    Future<Void> chain = SCHEMA.get(vertx).map(created -> {
      schema = created;
      return null;
    });
    for (int i = 0; i < PROCESSES; i++) {
      chain = chain.compose(v -> PgJobStore.create(vertx, schema.uri(), clock, LOG_CAP)).map(store -> {
        stores.add(store);
        return null;
      });
    }
    chain.compose(v -> schema.truncate(vertx)).onComplete(test.succeedingThenComplete());
  }

  @AfterEach
  void closeStores(VertxTestContext test) {
    Future.join(stores.stream().map(PgJobStore::close).toList()).onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("eight processes claiming 500 jobs at once never get the same job twice, and together get them all")
  void concurrentClaimLoops(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 500).mapToObj(i -> aQueuedJob(clock).priority(i % 7)).toList();
    List<List<Job>> claims = new ArrayList<>();
    for (int i = 0; i < PROCESSES; i++) {
      claims.add(new ArrayList<>());
    }

    stores.get(0).insertAll(jobs)
        .compose(inserted -> Future.all(IntStream.range(0, PROCESSES)
            .mapToObj(i -> claimUntilEmpty(stores.get(i), "runner-" + i, claims.get(i)))
            .toList()))
        .compose(v -> stores.get(0).list(new JobQuery(null, null, null, null, null, 500)))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          List<String> claimed = new ArrayList<>();
          Map<String, String> claimedBy = new HashMap<>();
          for (int i = 0; i < PROCESSES; i++) {
            for (Job job : claims.get(i)) {
              claimed.add(job.id());
              claimedBy.put(job.id(), "runner-" + i);
            }
          }
          assertEquals(claimed.size(), new HashSet<>(claimed).size(), "no job was claimed twice");
          assertEquals(jobs.stream().map(Job::id).collect(Collectors.toSet()), Set.copyOf(claimed));
          for (Job stored : page.items()) {
            assertEquals(JobStatus.RUNNING, stored.status());
            assertEquals(1, stored.attempt(), "claimed once, counted once");
            assertEquals(2, stored.version());
            assertEquals(claimedBy.get(stored.id()), stored.leaseOwner(), "the lease is the claimer's");
          }
          test.completeNow();
        })));
  }

  private Future<Void> claimUntilEmpty(PgJobStore store, String runner, List<Job> into) {
    return store.claimDue(runner, 7, LEASE).compose(claimed -> {
      into.addAll(claimed);
      return claimed.isEmpty() ? Future.succeededFuture() : claimUntilEmpty(store, runner, into);
    });
  }

  @Test
  @DisplayName("processes submitting the same idempotency key at once store one job; every other submission replays it")
  void concurrentIdempotentInserts(VertxTestContext test) {
    List<Future<Inserted>> submissions = stores.stream()
        .map(store -> store.insert(anIdempotentJob(clock, "acme", "order-17", "fp-1")))
        .toList();

    Future.all(submissions).onComplete(test.succeeding(all -> test.verify(() -> {
      List<Inserted> answers = submissions.stream().map(Future::result).toList();
      assertEquals(1, answers.stream().filter(Inserted::created).count(), "exactly one submission created the job");
      Set<String> ids = new HashSet<>();
      answers.forEach(answer -> ids.add(answer.job().id()));
      assertEquals(1, ids.size(), "every answer names the same job");
      test.completeNow();
    })));
  }

  @Test
  @DisplayName("updates of one job from many processes at once are applied one after another: none is lost")
  void concurrentUpdates(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    int perProcess = 10;

    stores.get(0).insert(job)
        .compose(inserted -> Future.all(stores.stream().map(store -> {
          Future<Job> chain = Future.succeededFuture();
          for (int i = 0; i < perProcess; i++) {
            chain = chain.compose(v -> store.update(job.id(), j -> {
              j.priority(j.priority() + 1);
              return true;
            }));
          }
          return chain;
        }).toList()))
        .compose(v -> stores.get(0).get(job.id()))
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(PROCESSES * perProcess, stored.priority());
          assertEquals(1 + PROCESSES * perProcess, stored.version());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("log lines appended to one job by many processes at once are numbered without gaps or repeats")
  void concurrentAppends(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    int batches = 5;
    int linesPerBatch = 3;

    stores.get(0).insert(job)
        .compose(inserted -> Future.all(stores.stream().map(store -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < batches; i++) {
            List<LogLine> lines = IntStream.range(0, linesPerBatch).mapToObj(n -> aLogLine(clock, "line")).toList();
            chain = chain.compose(v -> store.appendLogs(job.id(), lines));
          }
          return chain;
        }).toList()))
        .compose(v -> stores.get(0).logs(job.id(), 0, 1_000))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          long total = (long) PROCESSES * batches * linesPerBatch;
          assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), seqs(page));
          assertEquals(0, page.dropped());
          test.completeNow();
        })));
  }

  private static List<Long> seqs(LogPage page) {
    return page.items().stream().map(LogLine::seq).toList();
  }
}
