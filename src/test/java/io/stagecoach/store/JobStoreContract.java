package io.stagecoach.store;

import io.stagecoach.testing.Jobs;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static io.stagecoach.testing.Jobs.aLogLine;
import static io.stagecoach.testing.Jobs.aQueuedJob;
import static io.stagecoach.testing.Jobs.anIdempotentJob;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobError;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.Stage;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every {@link JobStore} promises, tested through the interface alone. A store passes by
 * subclassing this with a few lines that build it (see {@code MemoryJobStoreTest}).
 *
 * <p>The store must take "now" from the clock it is given — never from its own or a database's
 * clock — so that these tests can move time instead of waiting for it.
 */
@ExtendWith(VertxExtension.class)
public abstract class JobStoreContract {
  /** The per-job log cap the store under test is built with. */
  protected static final int LOG_CAP = 5;
  private static final Duration LEASE = Duration.ofSeconds(30);

  protected MutableClock clock;
  protected JobStore store;

  /** A new store with no jobs and no logs, reading time from {@code clock}, keeping {@code logCap} lines per job. */
  protected abstract Future<JobStore> newStore(Vertx vertx, Clock clock, int logCap);

  /** Frees what {@link #newStore} opened (connections, pools); nothing by default. */
  protected Future<Void> closeStore(JobStore store) {
    return Future.succeededFuture();
  }

  @BeforeEach
  void createStore(Vertx vertx, VertxTestContext test) {
    clock = new MutableClock();
    newStore(vertx, clock, LOG_CAP).onComplete(test.succeeding(created -> {
      store = created;
      test.completeNow();
    }));
  }

  @AfterEach
  void closeStore(VertxTestContext test) {
    if (store == null) {
      test.completeNow();
      return;
    }
    closeStore(store).onComplete(test.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- insert / get

  @Test
  @DisplayName("an inserted job is created, and get returns it as it was submitted")
  void insertThenGet(VertxTestContext test) {
    Job job = aQueuedJob(clock).priority(7).labels(Map.of("project", "24"));
    job.stages().add(new Stage("sync", "Sync", 1));
    JsonObject expected = record(job);

    store.insert(job)
        .compose(inserted -> store.get(job.id()).map(got -> {
          test.verify(() -> {
            assertTrue(inserted.created(), "a new job is created");
            assertEquals(expected, record(inserted.job()), "insert answers with the stored record");
            assertEquals(expected, record(got), "get returns the stored record");
            assertEquals(JobStatus.QUEUED, got.status());
            assertEquals(1, got.version());
            assertEquals(0, got.attempt());
            assertNull(got.leaseOwner());
          });
          return got;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("countActive counts queued, running and cancelling jobs, every status present, finished ones not")
  void countActive(VertxTestContext test) {
    List<Job> jobs = List.of(aQueuedJob(clock), aQueuedJob(clock), aQueuedJob(clock), aQueuedJob(clock));
    store.countActive()
        .compose(empty -> {
          test.verify(() -> assertEquals(Map.of(JobStatus.QUEUED, 0L, JobStatus.RUNNING, 0L, JobStatus.CANCELLING, 0L),
              empty));
          return store.insertAll(jobs);
        })
        .compose(v -> store.claimDue("runner-1", 2, LEASE))
        .compose(claimed -> store.update(claimed.get(0).id(), j -> {
          j.moveTo(JobStatus.CANCELLING, clock.instant());
          return true;
        }))
        .compose(v -> store.update(jobs.get(3).id(), j -> {
          j.moveTo(JobStatus.CANCELLED, clock.instant());
          return true;
        }))
        .compose(v -> store.countActive())
        .onComplete(test.succeeding(counts -> test.verify(() -> {
          assertEquals(Map.of(JobStatus.QUEUED, 1L, JobStatus.RUNNING, 1L, JobStatus.CANCELLING, 1L), counts);
          test.completeNow();
        })));
  }

  /** Four jobs due one millisecond apart, in claim order. */
  private List<Job> fourJobsInARow() {
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      jobs.add(aQueuedJob(clock));
      clock.advance(Duration.ofMillis(1));
    }
    return jobs;
  }

  @Test
  @DisplayName("a runner's successive claims go on in claim order, and a higher priority submitted meanwhile comes first")
  void successiveClaims(VertxTestContext test) {
    List<Job> jobs = fourJobsInARow();
    Job urgent = aQueuedJob(clock).priority(5);
    store.insertAll(jobs)
        .compose(v -> store.claimDue("runner-1", 2, LEASE))
        .compose(first -> {
          test.verify(() -> assertEquals(ids(jobs.subList(0, 2)), ids(first)));
          return store.insertAll(List.of(urgent)).compose(v -> store.claimDue("runner-1", 2, LEASE));
        })
        .compose(second -> {
          test.verify(() -> assertEquals(List.of(urgent.id(), jobs.get(2).id()), ids(second)));
          return store.claimDue("runner-1", 2, LEASE);
        })
        .onComplete(test.succeeding(third -> test.verify(() -> {
          assertEquals(List.of(jobs.get(3).id()), ids(third));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job due before those a runner claimed so far is taken, in order, by its next claim that the queue does not fill")
  void jobDueEarlierIsNotMissed(VertxTestContext test) {
    List<Job> jobs = fourJobsInARow();
    Job late = aQueuedJob(clock).runAt(jobs.get(0).runAt().minusSeconds(1));
    store.insertAll(jobs)
        .compose(v -> store.claimDue("runner-1", 2, LEASE))
        .compose(first -> store.insertAll(List.of(late)))
        .compose(v -> store.claimDue("runner-1", 10, LEASE))
        .onComplete(test.succeeding(rest -> test.verify(() -> {
          assertEquals(List.of(late.id(), jobs.get(2).id(), jobs.get(3).id()), ids(rest));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("get of an id that was never stored answers null, not a failure")
  void getUnknown(VertxTestContext test) {
    store.insert(aQueuedJob(clock))
        .compose(inserted -> store.get(JobIds.next()))
        .onComplete(test.succeeding(job -> test.verify(() -> {
          assertNull(job);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("records handed out are copies: changing the submitted, inserted, fetched or listed job changes nothing stored")
  void recordsAreCopies(VertxTestContext test) {
    Job submitted = aQueuedJob(clock).labels(Map.of("k", "v"));
    submitted.stages().add(new Stage("sync", "Sync", 1));
    String id = submitted.id();
    JsonObject expected = record(submitted);

    store.insert(submitted)
        .compose(inserted -> {
          scribbleOn(submitted);
          scribbleOn(inserted.job());
          return store.get(id);
        })
        .compose(got -> {
          scribbleOn(got);
          return store.list(all());
        })
        .compose(page -> {
          page.items().forEach(JobStoreContract::scribbleOn);
          return store.get(id);
        })
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(expected, record(stored));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("jobs claimed, updated or renewed come back as copies too")
  void lifecycleAnswersAreCopies(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    String id = job.id();
    List<JsonObject> expected = new ArrayList<>();

    store.insert(job)
        .compose(inserted -> store.claimDue("runner-1", 1, LEASE))
        .compose(claimed -> {
          scribbleOn(claimed.get(0));
          return store.update(id, j -> {
            j.stages().add(new Stage("s", "S", 1));
            return true;
          });
        })
        .compose(updated -> {
          expected.add(record(updated));
          scribbleOn(updated);
          return store.renewLeases("runner-1", List.of(id), LEASE);
        })
        .compose(renewed -> {
          scribbleOn(renewed.get(0));
          return store.get(id);
        })
        .onComplete(test.succeeding(stored -> test.verify(() -> {
          assertEquals(expected.get(0), record(stored));
          test.completeNow();
        })));
  }

  // ---------------------------------------------------------------- idempotency

  @Test
  @DisplayName("the same tenant, key and submission replays the first job (created false) and stores nothing new")
  void idempotentReplay(VertxTestContext test) {
    Job first = anIdempotentJob(clock, "acme", "order-17", "fp-1");
    Job again = anIdempotentJob(clock, "acme", "order-17", "fp-1");

    store.insert(first)
        .compose(one -> store.insert(again).map(two -> List.of(one, two)))
        .compose(both -> store.list(all()).map(page -> {
          test.verify(() -> {
            assertTrue(both.get(0).created());
            assertFalse(both.get(1).created(), "a replay is not a creation");
            assertEquals(first.id(), both.get(1).job().id(), "the replay answers with the first job");
            assertEquals(record(both.get(0).job()), record(both.get(1).job()));
            assertEquals(List.of(first.id()), ids(page.items()));
          });
          return page;
        }))
        .compose(page -> store.get(again.id()))
        .onComplete(test.succeeding(missing -> test.verify(() -> {
          assertNull(missing, "the replayed submission's own id was never stored");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("the same key with a different submission fails with idempotency_conflict and stores nothing")
  void idempotencyConflict(VertxTestContext test) {
    store.insert(anIdempotentJob(clock, "acme", "order-17", "fp-1"))
        .compose(one -> store.insert(anIdempotentJob(clock, "acme", "order-17", "fp-2")))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertConflict(e);
          store.list(all()).onComplete(test.succeeding(page -> test.verify(() -> {
            assertEquals(1, page.items().size());
            assertEquals("fp-1", page.items().get(0).fingerprint());
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("an idempotency key belongs to its tenant: another tenant using it gets a new job")
  void idempotencyKeyIsPerTenant(VertxTestContext test) {
    Job acme = anIdempotentJob(clock, "acme", "order-17", "fp-1");
    Job globex = anIdempotentJob(clock, "globex", "order-17", "fp-2");

    store.insert(acme)
        .compose(one -> store.insert(globex))
        .onComplete(test.succeeding(two -> test.verify(() -> {
          assertTrue(two.created());
          assertEquals(globex.id(), two.job().id());
          assertEquals("globex", two.job().tenant());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("jobs without an idempotency key never collide, whatever their submission")
  void noKeyNoReplay(VertxTestContext test) {
    Job a = aQueuedJob(clock);
    Job b = aQueuedJob(clock);

    store.insert(a)
        .compose(one -> store.insert(b).map(two -> List.of(one, two)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertTrue(both.get(0).created());
          assertTrue(both.get(1).created());
          assertNotEquals(both.get(0).job().id(), both.get(1).job().id());
          test.completeNow();
        })));
  }

  // ---------------------------------------------------------------- insertAll

  @Test
  @DisplayName("insertAll stores every job, answering in order, with replays of earlier keys counted as stored")
  void insertAllStoresEverything(VertxTestContext test) {
    Job earlier = anIdempotentJob(clock, "acme", "k-1", "fp-1");
    Job a = aQueuedJob(clock);
    Job replay = anIdempotentJob(clock, "acme", "k-1", "fp-1");
    Job b = aQueuedJob(clock).priority(3);

    store.insert(earlier)
        .compose(one -> store.insertAll(List.of(a, replay, b)))
        .compose(answers -> store.list(all()).map(page -> {
          test.verify(() -> {
            assertEquals(3, answers.size());
            assertEquals(List.of(true, false, true), answers.stream().map(Inserted::created).toList());
            assertEquals(List.of(a.id(), earlier.id(), b.id()), answers.stream().map(i -> i.job().id()).toList());
            assertEquals(Set.of(earlier.id(), a.id(), b.id()), Set.copyOf(ids(page.items())));
          });
          return page;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("insertAll is all or nothing: one conflicting key fails the batch and stores none of it")
  void insertAllAllOrNothing(VertxTestContext test) {
    Job earlier = anIdempotentJob(clock, "acme", "k-1", "fp-1");
    Job a = aQueuedJob(clock);
    Job conflicting = anIdempotentJob(clock, "acme", "k-1", "fp-other");
    Job b = aQueuedJob(clock);

    store.insert(earlier)
        .compose(one -> store.insertAll(List.of(a, conflicting, b)))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertConflict(e);
          store.list(all()).onComplete(test.succeeding(page -> test.verify(() -> {
            assertEquals(List.of(earlier.id()), ids(page.items()));
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("insertAll with one key used twice in the batch by different submissions fails and stores nothing")
  void insertAllConflictWithinBatch(VertxTestContext test) {
    Job a = aQueuedJob(clock);
    Job first = anIdempotentJob(clock, "acme", "k-1", "fp-1");
    Job second = anIdempotentJob(clock, "acme", "k-1", "fp-2");

    store.insertAll(List.of(a, first, second))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertConflict(e);
          store.list(all()).onComplete(test.succeeding(page -> test.verify(() -> {
            assertEquals(List.of(), ids(page.items()));
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("insertAll with one key used twice in the batch by the same submission stores one job and replays it")
  void insertAllReplayWithinBatch(VertxTestContext test) {
    Job first = anIdempotentJob(clock, "acme", "k-1", "fp-1");
    Job second = anIdempotentJob(clock, "acme", "k-1", "fp-1");

    store.insertAll(List.of(first, second))
        .compose(answers -> store.list(all()).map(page -> {
          test.verify(() -> {
            assertEquals(List.of(true, false), answers.stream().map(Inserted::created).toList());
            assertEquals(first.id(), answers.get(1).job().id());
            assertEquals(List.of(first.id()), ids(page.items()));
          });
          return page;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- list

  @Test
  @DisplayName("list answers newest (highest id) first, and says there is no next page")
  void listNewestFirst(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 5).mapToObj(i -> aQueuedJob(clock)).toList();

    insert(jobs)
        .compose(v -> store.list(all()))
        .onComplete(test.succeeding(page -> test.verify(() -> {
          assertEquals(newestFirst(jobs), ids(page.items()));
          assertNull(page.lastKey());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("list filters by tenant, status, type and labels (a job matches when it has every label asked for)")
  void listFilters(VertxTestContext test) {
    Job plain = aQueuedJob(clock);
    Job labelled = aQueuedJob(clock).labels(Map.of("project", "24", "env", "prod"));
    Job otherProject = aQueuedJob(clock).labels(Map.of("project", "25", "env", "prod"));
    Job otherTenant = anIdempotentJob(clock, "globex", null, "fp").labels(Map.of("project", "24"));
    Job otherType = new Job(JobIds.next(), "test.other", "acme", clock.instant())
        .input(new JsonObject()).labels(Map.of("project", "24")).fingerprint("fp");
    Job cancelled = aQueuedJob(clock).labels(Map.of("project", "24"));

    insert(List.of(plain, labelled, otherProject, otherTenant, otherType, cancelled))
        .compose(v -> store.update(cancelled.id(), moveTo(JobStatus.CANCELLED)))
        .compose(v -> Future.all(List.of(
            store.list(query("acme", null, null, null)),
            store.list(query("globex", null, null, null)),
            store.list(query(null, JobStatus.CANCELLED, null, null)),
            store.list(query(null, JobStatus.QUEUED, null, null)),
            store.list(query(null, null, "test.other", null)),
            store.list(query(null, null, null, Map.of("project", "24"))),
            store.list(query(null, null, null, Map.of("project", "24", "env", "prod"))),
            store.list(query(null, null, null, Map.of("project", "26"))),
            store.list(query("acme", JobStatus.QUEUED, "test.echo", Map.of("env", "prod"))),
            store.list(query("acme", null, null, Map.of()))))
            .map(all -> all.<Page<Job>>list()))
        .onComplete(test.succeeding(pages -> test.verify(() -> {
          assertEquals(newestFirst(plain, labelled, otherProject, otherType, cancelled), ids(pages.get(0).items()), "tenant acme");
          assertEquals(List.of(otherTenant.id()), ids(pages.get(1).items()), "tenant globex");
          assertEquals(List.of(cancelled.id()), ids(pages.get(2).items()), "status cancelled");
          assertEquals(newestFirst(plain, labelled, otherProject, otherTenant, otherType), ids(pages.get(3).items()), "status queued");
          assertEquals(List.of(otherType.id()), ids(pages.get(4).items()), "type test.other");
          assertEquals(newestFirst(labelled, otherTenant, otherType, cancelled), ids(pages.get(5).items()), "label project:24");
          assertEquals(List.of(labelled.id()), ids(pages.get(6).items()), "labels project:24 and env:prod");
          assertEquals(List.of(), ids(pages.get(7).items()), "a label no job has");
          assertEquals(newestFirst(labelled, otherProject), ids(pages.get(8).items()), "all filters at once");
          assertEquals(5, pages.get(9).items().size(), "no labels asked for matches every label set");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("paging with lastKey as afterId walks a filtered list with no duplicates and no gaps")
  void listPagination(VertxTestContext test) {
    List<Job> acme = new ArrayList<>();
    List<Job> everything = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Job mine = aQueuedJob(clock);
      acme.add(mine);
      everything.add(mine);
      if (i % 2 == 0) {
        everything.add(anIdempotentJob(clock, "globex", null, "fp"));
      }
    }

    insert(everything)
        .compose(v -> allPages(query("acme", null, null, null, 3)))
        .onComplete(test.succeeding(pages -> test.verify(() -> {
          assertEquals(List.of(3, 3, 1), pages.stream().map(p -> p.items().size()).toList());
          assertEquals(pages.get(0).items().get(2).id(), pages.get(0).lastKey(), "lastKey is the last id of the page");
          assertNull(pages.get(2).lastKey(), "the last page has no lastKey");
          List<String> walked = pages.stream().flatMap(p -> p.items().stream()).map(Job::id).toList();
          assertEquals(newestFirst(acme), walked);
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a list that ends exactly at a page boundary answers no lastKey rather than an empty extra page")
  void listExactBoundary(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 6).mapToObj(i -> aQueuedJob(clock)).toList();

    insert(jobs)
        .compose(v -> allPages(query(null, null, null, null, 3)))
        .onComplete(test.succeeding(pages -> test.verify(() -> {
          assertEquals(2, pages.size());
          assertEquals(3, pages.get(1).items().size());
          assertNull(pages.get(1).lastKey());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("jobs inserted or updated while a client pages do not make it see a job twice or miss one")
  void listPaginationWhileJobsChange(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 6).mapToObj(i -> aQueuedJob(clock)).toList();
    List<String> expected = newestFirst(jobs);
    List<String> walked = new ArrayList<>();

    insert(jobs)
        .compose(v -> store.list(query(null, null, null, null, 2)))
        .compose(first -> {
          walked.addAll(ids(first.items()));
          String onLaterPage = expected.get(4);
          return insert(List.of(aQueuedJob(clock)))
              .compose(v -> store.update(onLaterPage, j -> {
                j.priority(99);
                return true;
              }))
              .compose(v -> allPages(query(null, null, null, null, 2, first.lastKey())));
        })
        .onComplete(test.succeeding(rest -> test.verify(() -> {
          rest.forEach(page -> walked.addAll(ids(page.items())));
          assertEquals(expected, walked);
          test.completeNow();
        })));
  }

  // ---------------------------------------------------------------- update

  @Test
  @DisplayName("an update that changes something is stored, bumps the version by one and sets updatedAt")
  void updateBumpsVersion(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    List<Instant> times = new ArrayList<>();

    store.insert(job)
        .compose(inserted -> {
          times.add(clock.advance(Duration.ofSeconds(5)));
          return store.update(job.id(), j -> {
            j.priority(9);
            return true;
          });
        })
        .compose(updated -> {
          test.verify(() -> {
            assertEquals(2, updated.version());
            assertEquals(times.get(0), updated.updatedAt());
            assertEquals(9, updated.priority());
            assertEquals(job.createdAt(), updated.createdAt(), "createdAt never changes");
          });
          times.add(clock.advance(Duration.ofSeconds(1)));
          return store.update(job.id(), j -> {
            j.result(new JsonObject().put("ok", true));
            return true;
          });
        })
        .compose(updated -> store.get(job.id()).map(got -> List.of(updated, got)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertEquals(record(both.get(0)), record(both.get(1)), "the answer is what is stored");
          Job got = both.get(1);
          assertEquals(3, got.version());
          assertEquals(times.get(1), got.updatedAt());
          assertEquals(9, got.priority(), "earlier changes are kept");
          assertEquals(new JsonObject().put("ok", true), got.result());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a mutation that answers false leaves the record as it was, version and updatedAt included")
  void updateWithoutChange(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    JsonObject expected = record(job);

    store.insert(job)
        .compose(inserted -> {
          clock.advance(Duration.ofSeconds(5));
          return store.update(job.id(), j -> {
            j.priority(9); // changed, then declared unchanged: must not stick
            return false;
          });
        })
        .compose(answer -> store.get(job.id()).map(got -> List.of(answer, got)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertEquals(expected, record(both.get(0)));
          assertEquals(expected, record(both.get(1)));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a mutation that throws refuses the update: the future fails with that exception and nothing changes")
  void updateRefused(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    JsonObject expected = record(job);

    store.insert(job)
        .compose(inserted -> store.update(job.id(), j -> {
          j.priority(9);
          throw new StagecoachException(ErrorCode.ALREADY_FINISHED, "no");
        }))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals(ErrorCode.ALREADY_FINISHED, assertInstanceOf(StagecoachException.class, e).code());
          store.get(job.id()).onComplete(test.succeeding(got -> test.verify(() -> {
            assertEquals(expected, record(got));
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("an update cannot make an illegal status move: the record's own rule refuses it")
  void updateIllegalMove(VertxTestContext test) {
    Job job = aQueuedJob(clock);

    store.insert(job)
        .compose(inserted -> store.update(job.id(), moveTo(JobStatus.SUCCEEDED)))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertInstanceOf(IllegalStateException.class, e);
          store.get(job.id()).onComplete(test.succeeding(got -> test.verify(() -> {
            assertEquals(JobStatus.QUEUED, got.status());
            assertEquals(1, got.version());
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("update of an unknown id fails with not_found and never runs the mutation")
  void updateUnknown(VertxTestContext test) {
    store.update(JobIds.next(), j -> {
      throw new AssertionError("the mutation ran for a job that does not exist");
    }).onComplete(test.failing(e -> test.verify(() -> {
      assertEquals(ErrorCode.NOT_FOUND, assertInstanceOf(StagecoachException.class, e).code());
      test.completeNow();
    })));
  }

  // ---------------------------------------------------------------- claimDue

  @Test
  @DisplayName("claimDue takes the highest priority first, then the earliest runAt")
  void claimOrder(VertxTestContext test) {
    Instant now = clock.instant();
    Job lowOld = aQueuedJob(clock).priority(-1).runAt(now.minusSeconds(50));
    Job normalEarly = aQueuedJob(clock).priority(0).runAt(now.minusSeconds(30));
    Job urgentLate = aQueuedJob(clock).priority(5).runAt(now.minusSeconds(10));
    Job urgentEarly = aQueuedJob(clock).priority(5).runAt(now.minusSeconds(20));
    Job normalLate = aQueuedJob(clock).priority(0).runAt(now.minusSeconds(5));
    List<List<Job>> claims = new ArrayList<>();

    insert(List.of(lowOld, normalEarly, urgentLate, urgentEarly, normalLate))
        .compose(v -> store.claimDue("r", 2, LEASE)).map(claims::add)
        .compose(v -> store.claimDue("r", 1, LEASE)).map(claims::add)
        .compose(v -> store.claimDue("r", 1, LEASE)).map(claims::add)
        .compose(v -> store.claimDue("r", 1, LEASE)).map(claims::add)
        .compose(v -> store.claimDue("r", 1, LEASE)).map(claims::add)
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertEquals(Set.of(urgentEarly.id(), urgentLate.id()), Set.copyOf(ids(claims.get(0))), "the two urgent jobs");
          assertEquals(List.of(normalEarly.id()), ids(claims.get(1)));
          assertEquals(List.of(normalLate.id()), ids(claims.get(2)));
          assertEquals(List.of(lowOld.id()), ids(claims.get(3)), "low priority waits however old it is");
          assertEquals(List.of(), ids(claims.get(4)), "nothing left");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a delayed job is not claimed before its runAt, and is claimed once the clock reaches it")
  void delayedJob(VertxTestContext test) {
    Instant runAt = clock.instant().plusSeconds(10);
    Job delayed = aQueuedJob(clock).runAt(runAt);

    store.insert(delayed)
        .compose(inserted -> store.claimDue("r", 10, LEASE))
        .compose(early -> {
          test.verify(() -> assertEquals(List.of(), early, "not due yet"));
          clock.advance(Duration.ofMillis(9_999));
          return store.claimDue("r", 10, LEASE);
        })
        .compose(stillEarly -> {
          test.verify(() -> assertEquals(List.of(), stillEarly, "a millisecond early is still early"));
          clock.advance(Duration.ofMillis(1));
          return store.claimDue("r", 10, LEASE);
        })
        .onComplete(test.succeeding(due -> test.verify(() -> {
          assertEquals(List.of(delayed.id()), ids(due));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a claimed job is never claimed again while it runs, by the same runner or another")
  void noDoubleClaim(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 3).mapToObj(i -> aQueuedJob(clock)).toList();

    insert(jobs)
        .compose(v -> store.claimDue("r1", 10, LEASE))
        .compose(first -> store.claimDue("r2", 10, LEASE).map(second -> List.of(first, second)))
        .compose(both -> {
          clock.advance(LEASE.multipliedBy(10));
          return store.claimDue("r2", 10, LEASE).map(third -> {
            test.verify(() -> {
              assertEquals(Set.copyOf(ids(jobs)), Set.copyOf(ids(both.get(0))));
              assertEquals(List.of(), both.get(1), "every job is already held");
              assertEquals(List.of(), third, "an expired lease is the reaper's business, not a claim's");
            });
            return third;
          });
        })
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("claims made at the same time share no job, and together take every due one")
  void concurrentClaimsAreDisjoint(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 6).mapToObj(i -> aQueuedJob(clock)).toList();

    insert(jobs)
        .compose(v -> Future.all(store.claimDue("r1", 4, LEASE), store.claimDue("r2", 4, LEASE)))
        .compose(both -> store.claimDue("r3", 10, LEASE).map(rest -> {
          List<String> claimed = new ArrayList<>();
          claimed.addAll(ids(both.<List<Job>>resultAt(0)));
          claimed.addAll(ids(both.<List<Job>>resultAt(1)));
          claimed.addAll(ids(rest));
          return claimed;
        }))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(claimed.size(), new HashSet<>(claimed).size(), "no job claimed twice: " + claimed);
          assertEquals(Set.copyOf(ids(jobs)), Set.copyOf(claimed));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a claim makes the job running, counts the attempt and leases it to the runner, not yet started")
  void claimSetsLease(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    Instant claimedAt = clock.instant().plusSeconds(3);

    store.insert(job)
        .compose(inserted -> {
          clock.set(claimedAt);
          return store.claimDue("runner-1", 5, LEASE);
        })
        .compose(claimed -> store.get(job.id()).map(got -> List.of(claimed.get(0), got)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          assertEquals(record(both.get(0)), record(both.get(1)), "the claim answers with what is stored");
          Job claimed = both.get(1);
          assertEquals(JobStatus.RUNNING, claimed.status());
          assertEquals(1, claimed.attempt());
          assertNull(claimed.startedAt(), "the attempt starts when its start is recorded");
          assertEquals("runner-1", claimed.leaseOwner());
          assertEquals(claimedAt.plus(LEASE), claimed.leaseExpiresAt());
          assertEquals(2, claimed.version(), "a claim is a visible change");
          assertEquals(claimedAt, claimed.updatedAt());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("each claim of the same job counts one more attempt")
  void claimCountsAttempts(VertxTestContext test) {
    Job job = aQueuedJob(clock);

    store.insert(job)
        .compose(inserted -> store.claimDue("r", 1, LEASE))
        .compose(first -> store.update(job.id(), requeueAt(clock.instant())))
        .compose(requeued -> {
          test.verify(() -> {
            assertEquals(JobStatus.QUEUED, requeued.status());
            assertNull(requeued.leaseOwner(), "a queued job holds no lease");
            assertEquals(1, requeued.attempt(), "going back to the queue keeps the count");
          });
          return store.claimDue("r", 1, LEASE);
        })
        .onComplete(test.succeeding(second -> test.verify(() -> {
          assertEquals(1, second.size());
          assertEquals(2, second.get(0).attempt());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a job re-queued by update with a later runAt waits for it, and nextRunAt names it")
  void requeuedJobWaitsForItsRunAt(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    Instant retryAt = clock.instant().plusSeconds(60);

    store.insert(job)
        .compose(inserted -> store.claimDue("r", 1, LEASE))
        .compose(claimed -> store.update(job.id(), requeueAt(retryAt)))
        .compose(requeued -> store.nextRunAt())
        .compose(next -> {
          test.verify(() -> assertEquals(retryAt, next));
          return store.claimDue("r", 1, LEASE);
        })
        .compose(early -> {
          test.verify(() -> assertEquals(List.of(), early));
          clock.set(retryAt);
          return store.claimDue("r", 1, LEASE);
        })
        .onComplete(test.succeeding(due -> test.verify(() -> {
          assertEquals(List.of(job.id()), ids(due));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a queued job cancelled by update is never claimed")
  void cancelledJobIsNotClaimed(VertxTestContext test) {
    Job cancelled = aQueuedJob(clock).priority(10);
    Job other = aQueuedJob(clock);

    insert(List.of(cancelled, other))
        .compose(v -> store.update(cancelled.id(), moveTo(JobStatus.CANCELLED)))
        .compose(v -> store.claimDue("r", 10, LEASE))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(List.of(other.id()), ids(claimed));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a priority changed by update is the one claims go by")
  void updatedPriorityCounts(VertxTestContext test) {
    Job first = aQueuedJob(clock).priority(5);
    Job second = aQueuedJob(clock).priority(1);

    insert(List.of(first, second))
        .compose(v -> store.update(second.id(), j -> {
          j.priority(9);
          return true;
        }))
        .compose(v -> store.claimDue("r", 1, LEASE))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(List.of(second.id()), ids(claimed));
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("claimDue never takes more than its limit")
  void claimLimit(VertxTestContext test) {
    List<Job> jobs = IntStream.range(0, 5).mapToObj(i -> aQueuedJob(clock)).toList();

    insert(jobs)
        .compose(v -> store.claimDue("r", 2, LEASE))
        .onComplete(test.succeeding(claimed -> test.verify(() -> {
          assertEquals(2, claimed.size());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("nextRunAt is null with nothing queued, the earliest runAt of queued jobs otherwise")
  void nextRunAt(VertxTestContext test) {
    Instant now = clock.instant();
    Job later = aQueuedJob(clock).runAt(now.plusSeconds(90));
    Job sooner = aQueuedJob(clock).runAt(now.plusSeconds(30));
    Job due = aQueuedJob(clock);

    store.nextRunAt()
        .compose(empty -> {
          test.verify(() -> assertNull(empty, "an empty store has nothing to run"));
          return insert(List.of(later, sooner)).compose(v -> store.nextRunAt());
        })
        .compose(next -> {
          test.verify(() -> assertEquals(now.plusSeconds(30), next));
          return store.insert(due).compose(v -> store.nextRunAt());
        })
        .compose(next -> {
          test.verify(() -> assertFalse(next.isAfter(clock.instant()), "a due job makes the next run now: " + next));
          return store.claimDue("r", 1, LEASE).compose(v -> store.nextRunAt());
        })
        .compose(next -> {
          test.verify(() -> assertEquals(now.plusSeconds(30), next, "running jobs do not count"));
          return store.update(sooner.id(), moveTo(JobStatus.CANCELLED)).compose(v -> store.nextRunAt());
        })
        .compose(next -> {
          test.verify(() -> assertEquals(now.plusSeconds(90), next, "cancelled jobs do not count"));
          clock.advance(Duration.ofSeconds(90));
          return store.claimDue("r", 10, LEASE).compose(v -> store.nextRunAt());
        })
        .onComplete(test.succeeding(next -> test.verify(() -> {
          assertNull(next, "everything claimed");
          test.completeNow();
        })));
  }

  // ---------------------------------------------------------------- leases

  @Test
  @DisplayName("renewLeases extends the owner's lease from now, without a version bump")
  void renewByOwner(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    List<Job> claims = new ArrayList<>();

    store.insert(job)
        .compose(inserted -> store.claimDue("runner-1", 1, LEASE)).map(claims::addAll)
        .compose(v -> {
          clock.advance(Duration.ofSeconds(20));
          return store.renewLeases("runner-1", List.of(job.id()), Duration.ofSeconds(40));
        })
        .compose(renewed -> store.get(job.id()).map(got -> List.of(renewed, List.of(got))))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          Job claimed = claims.get(0);
          List<Job> renewed = answers.get(0);
          Job stored = answers.get(1).get(0);
          Instant until = clock.instant().plusSeconds(40);
          assertEquals(List.of(job.id()), ids(renewed));
          assertEquals(until, renewed.get(0).leaseExpiresAt());
          assertEquals(until, stored.leaseExpiresAt());
          assertEquals("runner-1", stored.leaseOwner());
          assertEquals(claimed.version(), stored.version(), "a renewal is bookkeeping, not a change");
          assertEquals(claimed.updatedAt(), stored.updatedAt());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("startAttempts stamps startedAt on the runner's own claims only, as a visible change, answering which")
  void startOnlyOwnClaims(VertxTestContext test) {
    Job mine = aQueuedJob(clock).priority(3);
    Job theirs = aQueuedJob(clock).priority(2);
    Job queued = aQueuedJob(clock).runAt(clock.instant().plusSeconds(300));
    Instant at = clock.instant().plusMillis(1_234);

    insert(List.of(mine, theirs, queued))
        .compose(v -> store.claimDue("runner-1", 1, LEASE))
        .compose(v -> store.claimDue("runner-2", 1, LEASE))
        .compose(v -> store.startAttempts("runner-1", List.of(new AttemptStart(mine.id(), at, List.of()),
            new AttemptStart(theirs.id(), at, List.of()), new AttemptStart(queued.id(), at, List.of()),
            new AttemptStart(JobIds.next(), at, List.of()))))
        .compose(recorded -> Future.all(store.get(mine.id()), store.get(theirs.id()), store.get(queued.id()))
            .map(jobs -> {
              test.verify(() -> {
                assertEquals(List.of(true, false, false, false), recorded);
                Job started = jobs.resultAt(0);
                assertEquals(at, started.startedAt());
                assertTrue(started.attemptStarted());
                assertEquals(3, started.version(), "inserted, claimed, started");
                assertEquals(at, started.updatedAt());
                assertEquals(1, started.attempt());
                assertNull(((Job) jobs.resultAt(1)).startedAt(), "another runner's claim is untouched");
                assertNull(((Job) jobs.resultAt(2)).startedAt());
              });
              return recorded;
            }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("renewLeases leaves alone jobs the runner does not hold: another's, queued, finished or unknown")
  void renewOnlyOwnLeases(VertxTestContext test) {
    Job mine = aQueuedJob(clock).priority(3);
    Job theirs = aQueuedJob(clock).priority(2);
    Job finished = aQueuedJob(clock).priority(1);
    Job queued = aQueuedJob(clock).runAt(clock.instant().plusSeconds(300));
    List<Job> before = new ArrayList<>();

    insert(List.of(mine, theirs, finished, queued))
        .compose(v -> store.claimDue("runner-1", 1, LEASE))
        .compose(v -> store.claimDue("runner-2", 1, LEASE))
        .compose(v -> store.claimDue("runner-1", 1, LEASE))
        .compose(v -> store.update(finished.id(), j -> {
          j.moveTo(JobStatus.SUCCEEDED, clock.instant());
          return true;
        }))
        .compose(v -> store.get(theirs.id())).map(before::add)
        .compose(v -> {
          clock.advance(Duration.ofSeconds(10));
          return store.renewLeases("runner-1",
              List.of(mine.id(), theirs.id(), finished.id(), queued.id(), JobIds.next()), LEASE);
        })
        .compose(renewed -> store.get(theirs.id()).map(after -> {
          test.verify(() -> {
            assertEquals(List.of(mine.id()), ids(renewed));
            assertEquals("runner-2", after.leaseOwner());
            assertEquals(before.get(0).leaseExpiresAt(), after.leaseExpiresAt(), "another runner's lease is untouched");
          });
          return after;
        }))
        .onComplete(test.succeedingThenComplete());
  }

  @Test
  @DisplayName("expiredLeases lists running and cancelling jobs whose lease ended before the given instant, up to the limit")
  void expiredLeases(VertxTestContext test) {
    Job shortLease = aQueuedJob(clock).priority(3);
    Job longLease = aQueuedJob(clock).priority(2);
    Job queued = aQueuedJob(clock).runAt(clock.instant().plusSeconds(1_000));
    Instant t0 = clock.instant();

    insert(List.of(shortLease, longLease, queued))
        .compose(v -> store.claimDue("r", 1, Duration.ofSeconds(10)))
        .compose(v -> store.claimDue("r", 1, Duration.ofSeconds(60)))
        .compose(v -> store.update(longLease.id(), moveTo(JobStatus.CANCELLING)))
        .compose(v -> Future.all(List.of(
            store.expiredLeases(t0.plusSeconds(5), 10),
            store.expiredLeases(t0.plusSeconds(11), 10),
            store.expiredLeases(t0.plusSeconds(61), 10),
            store.expiredLeases(t0.plusSeconds(61), 1))).map(all -> all.<List<Job>>list()))
        .onComplete(test.succeeding(answers -> test.verify(() -> {
          assertEquals(List.of(), ids(answers.get(0)), "no lease has ended yet");
          assertEquals(List.of(shortLease.id()), ids(answers.get(1)));
          assertEquals(Set.of(shortLease.id(), longLease.id()), Set.copyOf(ids(answers.get(2))),
              "a cancelling job's lease expires too");
          assertEquals(1, answers.get(3).size(), "the limit holds");
          assertEquals(t0, clock.instant(), "the instant asked about is used, not the clock");
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a renewed lease does not expire at its original end, and a finished job has no lease to expire")
  void renewedAndFinishedAreNotExpired(VertxTestContext test) {
    Job renewed = aQueuedJob(clock).priority(2);
    Job finished = aQueuedJob(clock).priority(1);

    insert(List.of(renewed, finished))
        .compose(v -> store.claimDue("r", 2, LEASE))
        .compose(v -> store.update(finished.id(), j -> {
          j.moveTo(JobStatus.FAILED, clock.instant());
          return true;
        }))
        .compose(v -> {
          clock.advance(Duration.ofSeconds(20));
          return store.renewLeases("r", List.of(renewed.id()), LEASE);
        })
        .compose(v -> {
          clock.advance(Duration.ofSeconds(20));
          return store.expiredLeases(clock.instant(), 10);
        })
        .compose(none -> {
          test.verify(() -> assertEquals(List.of(), ids(none)));
          clock.advance(Duration.ofSeconds(11));
          return store.expiredLeases(clock.instant(), 10);
        })
        .onComplete(test.succeeding(expired -> test.verify(() -> {
          assertEquals(List.of(renewed.id()), ids(expired));
          test.completeNow();
        })));
  }

  // ---------------------------------------------------------------- logs

  @Test
  @DisplayName("appendLogs numbers lines from 1 per job across calls, and logs returns them oldest first as given")
  void logsAreNumbered(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    Job other = aQueuedJob(clock);
    Instant at = clock.instant();
    LogLine warn = new LogLine(0, at, LogLevel.WARN, "sync", "lock deployment:74 busy");

    insert(List.of(job, other))
        .compose(v -> store.appendLogs(job.id(), List.of(aLogLine(clock, "one"), aLogLine(clock, "two"))))
        .compose(v -> store.appendLogs(other.id(), List.of(aLogLine(clock, "elsewhere"))))
        .compose(v -> store.appendLogs(job.id(), List.of(warn)))
        .compose(v -> Future.all(store.logs(job.id(), 0, 100), store.logs(other.id(), 0, 100)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          LogPage page = both.resultAt(0);
          assertEquals(List.of(1L, 2L, 3L), seqs(page));
          assertEquals(List.of("one", "two", "lock deployment:74 busy"), page.items().stream().map(LogLine::message).toList());
          assertEquals(warn.withSeq(3), page.items().get(2), "level, stage, time and message are kept");
          assertEquals(0, page.dropped());
          LogPage otherPage = both.resultAt(1);
          assertEquals(List.of(1L), seqs(otherPage), "numbering is per job");
          assertEquals("elsewhere", otherPage.items().get(0).message());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("logs pages with afterSeq and limit, and a job with no lines has an empty page")
  void logsPaging(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    List<LogLine> four = IntStream.rangeClosed(1, 4).mapToObj(i -> aLogLine(clock, "line " + i)).toList();

    store.insert(job)
        .compose(v -> store.appendLogs(job.id(), four))
        .compose(v -> Future.all(List.of(
            store.logs(job.id(), 0, 2),
            store.logs(job.id(), 2, 2),
            store.logs(job.id(), 4, 2),
            store.logs(job.id(), 1, 100),
            store.logs(JobIds.next(), 0, 10))).map(all -> all.<LogPage>list()))
        .onComplete(test.succeeding(pages -> test.verify(() -> {
          assertEquals(List.of(1L, 2L), seqs(pages.get(0)));
          assertEquals(List.of(3L, 4L), seqs(pages.get(1)));
          assertEquals(List.of(), seqs(pages.get(2)));
          assertEquals(List.of(2L, 3L, 4L), seqs(pages.get(3)));
          assertEquals(List.of(), seqs(pages.get(4)));
          assertEquals(0, pages.get(4).dropped());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("beyond the per-job cap the oldest lines are dropped and counted, and numbering goes on")
  void logCap(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    List<LogLine> eight = IntStream.rangeClosed(1, 8).mapToObj(i -> aLogLine(clock, "line " + i)).toList();

    store.insert(job)
        .compose(v -> store.appendLogs(job.id(), eight))
        .compose(v -> store.logs(job.id(), 0, 100))
        .compose(page -> {
          test.verify(() -> {
            assertEquals(List.of(4L, 5L, 6L, 7L, 8L), seqs(page), "the newest " + LOG_CAP + " lines are kept");
            assertEquals("line 4", page.items().get(0).message());
            assertEquals(3, page.dropped());
          });
          return store.appendLogs(job.id(), List.of(aLogLine(clock, "line 9"), aLogLine(clock, "line 10")));
        })
        .compose(v -> Future.all(store.logs(job.id(), 0, 100), store.logs(job.id(), 8, 100)))
        .onComplete(test.succeeding(both -> test.verify(() -> {
          LogPage page = both.resultAt(0);
          assertEquals(List.of(6L, 7L, 8L, 9L, 10L), seqs(page));
          assertEquals(5, page.dropped());
          LogPage tail = both.resultAt(1);
          assertEquals(List.of(9L, 10L), seqs(tail), "a client that read up to 8 sees only what is new");
          assertEquals(5, tail.dropped());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("appendLogs to a job that does not exist fails with not_found and keeps nothing")
  void appendingToAJobThatDoesNotExistIsNotFound(VertxTestContext test) {
    String nobody = JobIds.next();
    store.appendLogs(nobody, List.of(aLogLine(clock, "to nobody")))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertEquals(ErrorCode.NOT_FOUND, ((StagecoachException) e).code());
          store.logs(nobody, 0, 10).onComplete(test.succeeding(page -> test.verify(() -> {
            assertTrue(page.items().isEmpty());
            test.completeNow();
          })));
        })));
  }

  @Test
  @DisplayName("pruneFinished deletes finished jobs older than the cut-off, oldest first, with their logs; nothing else")
  void pruneFinished(VertxTestContext test) {
    Job stillQueued = aQueuedJob(clock); // created first: pruning passes over it
    Job oldest = aQueuedJob(clock);
    Job older = aQueuedJob(clock);
    Job recent = aQueuedJob(clock);
    Job running = aQueuedJob(clock);
    store.insertAll(List.of(oldest, older, recent, stillQueued.runAt(clock.instant().plusSeconds(86_400)), running))
        .compose(v -> store.appendLogs(oldest.id(), List.of(Jobs.aLogLine(clock, "kept until pruned"))))
        .compose(v -> finish(oldest))
        .compose(v -> {
          clock.advance(Duration.ofSeconds(10));
          return finish(older);
        })
        .compose(v -> store.claimDue("runner", 1, Duration.ofHours(1)))
        .compose(v -> {
          clock.advance(Duration.ofSeconds(10));
          return finish(recent);
        })
        .compose(v -> {
          Instant cutOff = clock.instant().minusSeconds(5);
          return store.pruneFinished(cutOff, 1)
              .compose(first -> store.pruneFinished(cutOff, 100).map(second -> List.of(first, second)));
        })
        .compose(counts -> Future.all(List.of(store.get(oldest.id()), store.get(older.id()), store.get(recent.id()),
                store.get(stillQueued.id()), store.logs(oldest.id(), 0, 10)))
            .map(all -> List.of(counts, all)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          assertEquals(List.of(1, 1), r.get(0), "one per call, up to the limit");
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) r.get(1);
          assertNull(all.resultAt(0), "the oldest finished job is gone");
          assertNull(all.resultAt(1));
          assertNotNull(all.resultAt(2), "a job finished after the cut-off stays");
          assertNotNull(all.resultAt(3), "a queued job stays, however old");
          assertTrue(((LogPage) all.resultAt(4)).items().isEmpty(), "its logs went with it");
          test.completeNow();
        })));
  }

  /** Ends a queued job as cancelled, now. */
  private Future<Job> finish(Job job) {
    return store.update(job.id(), j -> {
      j.moveTo(JobStatus.CANCELLED, clock.instant());
      return true;
    });
  }

  @Test
  @DisplayName("writeAll applies each write with its logs, in order; a refused one changes nothing and stops no other")
  void writeAll(VertxTestContext test) {
    Job first = aQueuedJob(clock);
    Job refused = aQueuedJob(clock);
    Job second = aQueuedJob(clock);
    String missing = JobIds.next();
    store.insertAll(List.of(first, refused, second))
        .compose(v -> store.writeAll(List.of(
            new JobWrite(first.id(), j -> {
              j.priority(7);
              return true;
            }, List.of(Jobs.aLogLine(clock, "first done"))),
            new JobWrite(refused.id(), j -> {
              j.priority(99);
              throw new StagecoachException(ErrorCode.INVALID_STATE, "no");
            }, List.of()),
            new JobWrite(missing, j -> true, List.of()),
            new JobWrite(second.id(), j -> false, List.of(Jobs.aLogLine(clock, "second unchanged"))))))
        .compose(results -> Future.all(List.of(store.get(first.id()), store.get(refused.id()), store.get(second.id()),
                store.logs(first.id(), 0, 10), store.logs(second.id(), 0, 10)))
            .map(all -> List.of(results, all)))
        .onComplete(test.succeeding(r -> test.verify(() -> {
          @SuppressWarnings("unchecked")
          List<WriteResult> results = (List<WriteResult>) r.get(0);
          io.vertx.core.CompositeFuture all = (io.vertx.core.CompositeFuture) r.get(1);
          assertEquals(4, results.size());
          assertEquals(7, results.get(0).job().priority());
          assertEquals(ErrorCode.INVALID_STATE, ((StagecoachException) results.get(1).refusal()).code());
          assertEquals(ErrorCode.NOT_FOUND, ((StagecoachException) results.get(2).refusal()).code());
          assertEquals(1L, results.get(3).job().version(), "no change, no version bump");
          Job storedFirst = all.resultAt(0);
          assertEquals(7, storedFirst.priority());
          assertEquals(2L, storedFirst.version());
          assertEquals(0, ((Job) all.resultAt(1)).priority(), "the refused write changed nothing");
          assertEquals(1L, ((Job) all.resultAt(1)).version());
          assertEquals("first done", ((LogPage) all.resultAt(3)).items().get(0).message());
          assertEquals("second unchanged", ((LogPage) all.resultAt(4)).items().get(0).message());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a write that expects the stored record is applied, with its log lines, as one that does not")
  void writeExpectingTheStoredRecord(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    store.insertAll(List.of(job))
        .compose(inserted -> store.writeAll(List.of(new JobWrite(job.id(), j -> {
          j.priority(5);
          return true;
        }, List.of(aLogLine(clock, "expected"))).expecting(inserted.get(0).job()))))
        .compose(results -> afterWrite(results, job.id()))
        .onComplete(test.succeeding(after -> test.verify(() -> {
          Job answer = after.results().get(0).job();
          assertEquals(5, answer.priority());
          assertEquals(2L, answer.version());
          assertEquals(record(answer), record(after.stored()), "the answer is the stored record");
          assertEquals(List.of("expected"), after.logs());
          test.completeNow();
        })));
  }

  @Test
  @DisplayName("a write that expects an outdated record is judged on the stored one, its log lines written once")
  void writeExpectingAnOutdatedRecord(VertxTestContext test) {
    Job job = aQueuedJob(clock);
    store.insertAll(List.of(job))
        .compose(inserted -> store.update(job.id(), j -> {
          j.priority(3);
          return true;
        }).map(changed -> inserted.get(0).job())) // version 1, while version 2 is stored
        .compose(outdated -> store.writeAll(List.of(
            new JobWrite(job.id(), j -> {
              if (j.priority() != 3) {
                throw new StagecoachException(ErrorCode.INVALID_STATE, "not what is stored");
              }
              j.priority(4);
              return true;
            }, List.of(aLogLine(clock, "once"))).expecting(outdated),
            new JobWrite(job.id(), j -> {
              j.priority(j.priority() + 10);
              return true;
            }, List.of()).expecting(outdated))))
        .compose(results -> afterWrite(results, job.id()))
        .onComplete(test.succeeding(after -> test.verify(() -> {
          assertNull(after.results().get(0).refusal());
          assertEquals(4, after.results().get(0).job().priority());
          assertEquals(14, after.results().get(1).job().priority(), "the second write of the job follows the first");
          assertEquals(14, after.stored().priority());
          assertEquals(4L, after.stored().version());
          assertEquals(List.of("once"), after.logs());
          test.completeNow();
        })));
  }

  /** A batch's results, with its job as stored afterwards and the messages of its log. */
  private record AfterWrite(List<WriteResult> results, Job stored, List<String> logs) {
  }

  private Future<AfterWrite> afterWrite(List<WriteResult> results, String id) {
    return store.get(id).compose(stored -> store.logs(id, 0, 10)
        .map(page -> new AfterWrite(results, stored, page.items().stream().map(LogLine::message).toList())));
  }

  @Test
  @DisplayName("ping succeeds on a working store")
  void ping(VertxTestContext test) {
    store.ping().onComplete(test.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- helpers

  /**
   * Everything a store keeps of a job, lease and fingerprint included, for whole-record comparison;
   * a deep copy, so that it is a snapshot even if the job's JSON parts change later.
   */
  protected static JsonObject record(Job job) {
    return JobJson.toJson(job).copy()
        .put("fingerprint", job.fingerprint())
        .put("leaseOwner", job.leaseOwner())
        .put("leaseExpiresAt", JobJson.instant(job.leaseExpiresAt()));
  }

  /** Changes every mutable part of a job a caller might touch, differently on every call. */
  private static void scribbleOn(Job job) {
    String mark = JobIds.random();
    job.priority(job.priority() + 100);
    if (job.input() != null) {
      job.input().put("n", 999).put("scribbled", mark);
    }
    if (job.result() != null) {
      job.result().put("scribbled", mark);
    }
    job.error(new JobError("scribbled", "scribbled"));
    job.runAt(job.runAt().plusSeconds(3_600));
    job.leaseExpiresAt(Instant.EPOCH);
    for (Stage stage : job.stages()) {
      stage.setProgress(0.77);
      stage.setParam("Scribbled", mark);
    }
    job.stages().add(new Stage("scribbled", "Scribbled", 1));
  }

  private static void assertConflict(Throwable e) {
    StagecoachException conflict = assertInstanceOf(StagecoachException.class, e);
    assertSame(ErrorCode.IDEMPOTENCY_CONFLICT, conflict.code());
  }

  private JobMutation moveTo(JobStatus status) {
    return job -> {
      job.moveTo(status, clock.instant());
      return true;
    };
  }

  private static JobMutation requeueAt(Instant runAt) {
    return job -> {
      job.moveTo(JobStatus.QUEUED, runAt);
      job.runAt(runAt);
      return true;
    };
  }

  private Future<Void> insert(List<Job> jobs) {
    Future<Void> chain = Future.succeededFuture();
    for (Job job : jobs) {
      chain = chain.compose(v -> store.insert(job)).mapEmpty();
    }
    return chain;
  }

  /** Every page from {@code first} on, following lastKey; stops after 100 pages to catch a loop. */
  private Future<List<Page<Job>>> allPages(JobQuery first) {
    List<Page<Job>> pages = new ArrayList<>();
    return nextPage(first, pages).map(v -> pages);
  }

  private Future<Void> nextPage(JobQuery query, List<Page<Job>> pages) {
    return store.list(query).compose(page -> {
      pages.add(page);
      if (page.lastKey() == null) {
        return Future.succeededFuture();
      }
      if (pages.size() >= 100) {
        return Future.failedFuture(new AssertionError("paging does not end"));
      }
      return nextPage(new JobQuery(query.tenant(), query.status(), query.type(), query.labels(),
          page.lastKey(), query.limit()), pages);
    });
  }

  private static JobQuery all() {
    return query(null, null, null, null);
  }

  private static JobQuery query(String tenant, JobStatus status, String type, Map<String, String> labels) {
    return query(tenant, status, type, labels, JobQuery.MAX_LIMIT);
  }

  private static JobQuery query(String tenant, JobStatus status, String type, Map<String, String> labels, int limit) {
    return query(tenant, status, type, labels, limit, null);
  }

  private static JobQuery query(String tenant, JobStatus status, String type, Map<String, String> labels, int limit,
      String afterId) {
    return new JobQuery(tenant, status, type, labels, afterId, limit);
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }

  private static List<String> newestFirst(Job... jobs) {
    return newestFirst(List.of(jobs));
  }

  /** The ids in the order {@code list} must give them: highest (newest UUIDv7) first. */
  private static List<String> newestFirst(List<Job> jobs) {
    return jobs.stream().map(Job::id).sorted(Comparator.reverseOrder()).collect(Collectors.toList());
  }

  private static List<Long> seqs(LogPage page) {
    return page.items().stream().map(LogLine::seq).toList();
  }
}
