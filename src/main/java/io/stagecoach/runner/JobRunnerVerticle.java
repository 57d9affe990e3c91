package io.stagecoach.runner;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.BusErrors;
import io.stagecoach.bus.EventInterest;
import io.stagecoach.bus.EventType;
import io.stagecoach.bus.JobEvents;
import io.stagecoach.config.LockConfig;
import io.stagecoach.config.StagecoachConfig;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.Stage;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.lock.LockClient;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.store.JobStore;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.RetentionPruner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due jobs and runs them, up to {@code runner.concurrency} at once with up to
 * {@code runner.prefetch} more claimed and ready, and hosts the job service. A runner looks for
 * work when woken (a submission, a freed slot, a lock release) and, as a safety net, every poll
 * interval; it renews the leases of its jobs and re-queues jobs whose runner's lease expired.
 */
public final class JobRunnerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunnerVerticle.class);
  private static final int REAP_BATCH = 100;

  private final StagecoachConfig config;
  private final JobStore store;
  private final JobTypeRegistry types;
  private final Clock clock;
  private final String runnerId = "runner-" + UUID.randomUUID().toString().substring(0, 8);
  /** Ends waiting to be stored, at most: beyond it, slots stay taken until the store catches up. */
  private static final int MAX_ENDING = Batcher.MAX_BATCH;

  /** Attempts of this runner until their end is stored. */
  private final Map<String, JobRun> runs = new HashMap<>();
  /** Of {@link #runs}, those whose handler still runs: the slots in use. */
  private int busy;
  /** Slots held for submissions being stored already claimed (see {@link IdleRunner}). */
  private int reserved;
  /** Claimed jobs waiting for a slot (runner.prefetch), in claim order. */
  private final Map<String, Job> prefetched = new LinkedHashMap<>();
  /** Jobs waiting ({@code onBusy: wait}) for a lock key, to be made due when it is released. */
  private final Map<String, Set<String>> waitingForLock = new HashMap<>();

  private RunnerDeps deps;
  private WorkerExecutor workers;
  private boolean claiming;
  /** Set at undeploy: the store's wake-ups may outlive this verticle, and must not start jobs. */
  private boolean stopped;
  private boolean claimAgain;
  private boolean claimAfterCompletionScheduled;
  /** The last claim found fewer due jobs than free slots, and no wake-up came since that found no room. */
  private boolean queueDrained;
  private long nextDueTimer = -1;
  private final List<Long> timers = new ArrayList<>();
  /** Renewal goes on while a stopping runner lets its handlers finish. */
  private long renewTimer = -1;
  private final EventInterest interest;
  private final EngineMetrics metrics;
  private Runnable removeSlotGauges = () -> { };

  public JobRunnerVerticle(StagecoachConfig config, JobStore store, JobTypeRegistry types, Clock clock) {
    this(config, store, types, clock, EventInterest.ALL, EngineMetrics.DISCARDED);
  }

  /**
   * A runner whose events go to the outbox when {@code interest} says a webhook subscription wants
   * them, counted in {@code metrics} with its attempts and slots.
   */
  public JobRunnerVerticle(StagecoachConfig config, JobStore store, JobTypeRegistry types, Clock clock,
      EventInterest interest, EngineMetrics metrics) {
    this.interest = interest;
    this.metrics = metrics;
    this.config = config;
    this.store = store;
    this.types = types;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    workers = vertx.createSharedWorkerExecutor("stagecoach-jobs-" + runnerId, Math.max(1, config.runner().concurrency()));
    LockConfig locks = config.locks();
    JobEvents events = new JobEvents(bus, clock, interest, metrics);
    deps = new RunnerDeps(vertx, context, runnerId, store, events, new LockClient(bus), locks.ttl(),
        config.runner(), clock, workers, new Batcher<>(context, starts -> store.startAttempts(runnerId, starts)),
        new Batcher<>(context, store::writeAll), metrics);
    removeSlotGauges = metrics.runnerSlots(runnerId, () -> busy, config.runner().concurrency());
    JobService service = new JobService(store, types, new Submissions(types, config.jobs(), clock), events, bus, clock,
        idleRunner());
    return Future.all(List.of(
            service.register(),
            bus.consumer(Addresses.RUNNER_WAKE, m -> claim()).completion(),
            bus.<String>consumer(Addresses.RUNNER_CANCEL, m -> cancelRun(m.body())).completion(),
            bus.<JsonObject>consumer(Addresses.LOCKS_RELEASED, m -> onLockReleased(m.body().getString("key"))).completion(),
            bus.<JsonObject>consumer(Addresses.JOBS_REPORT, this::onReport).completion(),
            bus.<JsonObject>consumer(Addresses.runnerReports(runnerId), this::onReport).completion(),
            bus.<JsonObject>consumer(Addresses.TYPES_ANNOUNCE, m -> types.registerRemote(JobType.remoteFromJson(m.body())))
                .completion(),
            store.listenForWakeups(() -> context.runOnContext(v -> claim()))))
        .onSuccess(v -> {
          long pollMs = config.runner().pollInterval().toMillis();
          // Renew leases well before they run out (each held lock renews itself: HeldLock).
          long renewMs = Math.max(10, config.runner().leaseTtl().toMillis() / 3);
          timers.add(vertx.setPeriodic(pollMs, t -> claim()));
          renewTimer = vertx.setPeriodic(renewMs, t -> renewLeases());
          timers.add(vertx.setPeriodic(renewMs, t -> reapExpiredLeases()));
          RetentionPruner pruner = new RetentionPruner("jobs", store::pruneFinished, config.store().retention(), clock);
          timers.add(pruner.schedule(vertx));
          bus.publish(Addresses.TYPES_DISCOVER, null);
          LOG.info("runner {} started: concurrency {}", runnerId, config.runner().concurrency());
          claim();
        });
  }

  /**
   * Claims nothing more and gives prefetched jobs back at once; lets running handlers finish and
   * their ends be stored for up to {@code runner.stopGrace}, their leases renewed meanwhile; then
   * interrupts the handlers still running and queues their jobs again, the attempt not counted (a
   * deploy is no failure of the job). Ends still being written when the grace runs out are left to
   * finish or, if they cannot, to the lease reaper.
   */
  @Override
  public Future<?> stop() {
    stopped = true;
    removeSlotGauges.run();
    timers.forEach(vertx::cancelTimer);
    if (nextDueTimer >= 0) {
      vertx.cancelTimer(nextDueTimer);
    }
    List<Future<Void>> ending = runs.values().stream().map(JobRun::ended).toList();
    return unclaimPrefetched()
        .transform(v -> Future.join(ending).timeout(config.runner().stopGrace().toMillis(), TimeUnit.MILLISECONDS))
        .transform(ar -> giveBackUnfinished())
        .eventually(() -> {
          vertx.cancelTimer(renewTimer);
          return workers.close();
        });
  }

  /** Interrupts the handlers still running and queues their jobs again, the attempt not counted. */
  private Future<Void> giveBackUnfinished() {
    List<JobRun> unfinished = runs.values().stream().filter(run -> !run.handlerDone().isComplete()).toList();
    if (unfinished.isEmpty()) {
      return Future.succeededFuture();
    }
    unfinished.forEach(run -> run.lose("runner stopping after its stop grace"));
    Instant now = clock.instant();
    String why = "the runner stopped before the attempt ended (runner.stopGraceMs " + config.runner().stopGrace().toMillis()
        + "); queued again, the attempt not counted";
    List<JobWrite> writes = unfinished.stream().map(run -> new JobWrite(run.id(), job -> {
      if (!job.ownedBy(runnerId) || !job.status().isActive()) {
        return false;
      }
      job.stages().forEach(Stage::reset);
      if (job.status() == JobStatus.CANCELLING) {
        job.moveTo(JobStatus.CANCELLED, now);
      } else {
        job.unclaim(now, now);
      }
      return true;
    }, List.of(new LogLine(0, now, LogLevel.WARN, null, why)), job -> List.of(deps.events().of(
        job.status() == JobStatus.CANCELLED ? EventType.JOB_CANCELLED : EventType.JOB_QUEUED, job)))).toList();
    return store.writeAll(writes)
        .onSuccess(written -> written.forEach(result -> deps.events().publish(result.events())))
        .onFailure(e -> LOG.warn("jobs interrupted by the stop could not be queued again; their leases will expire", e))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /** Gives the jobs claimed but never started back to the queue, their attempt not counted. */
  private Future<Void> unclaimPrefetched() {
    if (prefetched.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    List<JobWrite> writes = prefetched.keySet().stream().map(id -> new JobWrite(id, job -> {
      if (!job.ownedBy(runnerId) || job.status() != JobStatus.RUNNING) {
        return false;
      }
      job.unclaim(now, now);
      return true;
    }, List.of())).toList();
    prefetched.clear();
    return store.writeAll(writes)
        .onFailure(e -> LOG.warn("prefetched jobs could not be given back; their leases will expire", e))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  // ---- claiming ------------------------------------------------------------------------------

  /** Room for more claimed jobs: free slots plus the prefetch the runner keeps ready. */
  private int room() {
    if (endsBacklogged()) {
      return 0;
    }
    return config.runner().concurrency() + config.runner().prefetch() - busy - reserved - prefetched.size();
  }

  /** Free slots, none of them promised to a claimed submission. */
  private boolean slotFree() {
    return busy + reserved < config.runner().concurrency() && !endsBacklogged();
  }

  /** Claims as many due jobs as there is room for; calls while a claim is in flight coalesce. */
  private void claim() {
    int room = room();
    if (room <= 0 || stopped) {
      // A wake-up with no room: a job may now be due, so look before taking submissions directly.
      queueDrained = false;
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    store.claimDue(runnerId, room, config.runner().leaseTtl())
        .onSuccess(jobs -> {
          jobs.forEach(job -> prefetched.put(job.id(), job));
          startPrefetched();
          queueDrained = jobs.size() < room;
          if (queueDrained) {
            scheduleNextDue();
          } else {
            claimAgain = true;
          }
        })
        .onFailure(e -> LOG.warn("claiming jobs failed; trying again at the next poll", e))
        .onComplete(ar -> {
          claiming = false;
          if (claimAgain && ar.succeeded()) {
            claimAgain = false;
            claim();
          }
        });
  }

  /** As many attempts wait for their end to be stored as one end batch holds: start no more until they are. */
  private boolean endsBacklogged() {
    return runs.size() - busy >= MAX_ENDING;
  }

  /** Starts claimed jobs while slots are free. */
  private void startPrefetched() {
    Iterator<Job> waiting = prefetched.values().iterator();
    while (!stopped && slotFree() && waiting.hasNext()) {
      Job job = waiting.next();
      waiting.remove();
      start(job, false);
    }
  }

  /**
   * Takes submissions while idle: the last claim found no more due jobs than it had room for, no
   * claim is in flight, and a slot is free. Another process's submission may be queued meanwhile;
   * its wake-up brings it here next.
   */
  private IdleRunner idleRunner() {
    return new IdleRunner() {
      @Override
      public Job claimIfIdle(Job submitted) {
        Instant now = clock.instant();
        if (stopped || claiming || !queueDrained || !prefetched.isEmpty() || !slotFree() || submitted.runAt().isAfter(now)) {
          return null;
        }
        reserved++;
        Job claimed = submitted.copy();
        claimed.claim(runnerId, now, now.plus(config.runner().leaseTtl()));
        claimed.touch(now);
        return claimed;
      }

      @Override
      public void start(Job claimed) {
        reserved--;
        if (stopped) {
          prefetched.put(claimed.id(), claimed);
          unclaimPrefetched();
        } else {
          JobRunnerVerticle.this.start(claimed, false);
        }
      }

      @Override
      public void release() {
        reserved--;
      }
    };
  }

  /** Sets a timer for the earliest delayed job when it is due before the next poll. */
  private void scheduleNextDue() {
    store.nextRunAt().onSuccess(at -> {
      if (at == null) {
        return;
      }
      long delay = Math.max(1, at.toEpochMilli() - clock.millis());
      if (delay < config.runner().pollInterval().toMillis()) {
        if (nextDueTimer >= 0) {
          vertx.cancelTimer(nextDueTimer);
        }
        nextDueTimer = vertx.setTimer(delay, t -> {
          nextDueTimer = -1;
          claim();
        });
      }
    });
  }

  private void start(Job job, boolean cancelled) {
    JobType type = types.get(job.type());
    if (type == null) {
      // Only a type unregistered since submission gets here; the attempt fails with a clear error.
      type = JobType.builder(job.type()).handler(ctx -> Future.failedFuture(
          new JobFailure("unknown_job_type", "no handler for job type " + ctx.type() + " in this engine", false)));
    }
    JobRun run = new JobRun(deps, type, job);
    if (cancelled) {
      run.cancel();
    }
    runs.put(job.id(), run);
    busy++;
    run.handlerDone().onComplete(done -> {
      busy--; // the slot is free while the end is still being written (its lease stays renewed)
      scheduleClaimAfterCompletion();
    });
    run.execute().onComplete(ar -> {
      runs.remove(job.id());
      if (ar.succeeded() && ar.result().kind() == Outcome.Kind.REQUEUED) {
        waitingForLock.computeIfAbsent(job.lock().key(), k -> new LinkedHashSet<>()).add(job.id());
      }
      scheduleClaimAfterCompletion();
    });
  }

  /**
   * On the next turn, once for all the completions of this one: with a store that answers at once,
   * claiming here would run the next job inside this one's completion, and a long queue would grow
   * the stack without end.
   */
  private void scheduleClaimAfterCompletion() {
    if (!claimAfterCompletionScheduled) {
      claimAfterCompletionScheduled = true;
      context.runOnContext(v -> {
        claimAfterCompletionScheduled = false;
        claimAfterCompletion();
      });
    }
  }

  /**
   * A finished job frees a slot for a prefetched job. While work is waiting, refill in batches of
   * a quarter of the slots and prefetch, so a busy runner claims many jobs per store round trip
   * rather than one. Once the queue was found empty, only the next due job matters (the one that
   * just failed may be queued for a retry): a timer for it, and wake-ups, look again.
   */
  private void claimAfterCompletion() {
    startPrefetched();
    int capacity = config.runner().concurrency() + config.runner().prefetch();
    if (queueDrained) {
      scheduleNextDue();
    } else if (room() >= Math.max(1, capacity / 4)) {
      claim();
    }
  }

  // ---- locks ---------------------------------------------------------------------------------

  /** Makes the jobs waiting for {@code key} due now, so they compete for the lock again. */
  private void onLockReleased(String key) {
    Set<String> waiting = waitingForLock.remove(key);
    if (waiting == null) {
      return;
    }
    Instant now = clock.instant();
    List<Future<Job>> updates = new ArrayList<>();
    for (String id : waiting) {
      updates.add(store.update(id, job -> {
        if (job.status() != JobStatus.QUEUED || !job.runAt().isAfter(now)) {
          return false;
        }
        job.runAt(now);
        return true;
      }));
    }
    Future.join(updates).onComplete(ar -> claim());
  }

  // ---- leases --------------------------------------------------------------------------------

  private void renewLeases() {
    if (runs.isEmpty() && prefetched.isEmpty()) {
      return;
    }
    Set<String> ids = new LinkedHashSet<>(runs.keySet());
    ids.addAll(prefetched.keySet());
    store.renewLeases(runnerId, ids, config.runner().leaseTtl())
        .onSuccess(renewed -> {
          Set<String> stillOurs = new LinkedHashSet<>();
          for (Job job : renewed) {
            stillOurs.add(job.id());
            if (job.status() == JobStatus.CANCELLING) {
              cancelRun(job.id());
            }
          }
          for (String id : ids) {
            JobRun run = runs.get(id);
            if (run != null && !stillOurs.contains(id)) {
              // An attempt whose handler is done needs no stopping: its end is being written, and
              // is refused if the lease really is gone (usually it was just written: the job ended).
              if (!run.handlerDone().isComplete()) {
                run.lose("lease lost");
              }
            } else if (!stillOurs.contains(id)) {
              prefetched.remove(id);
            }
          }
        })
        .onFailure(e -> LOG.warn("renewing leases failed; trying again", e));
  }

  /** Re-queues (or fails, when out of attempts) jobs whose runner stopped renewing their lease. */
  private void reapExpiredLeases() {
    Instant now = clock.instant();
    store.expiredLeases(now, REAP_BATCH).onSuccess(expired -> {
      for (Job job : expired) {
        store.write(new JobWrite(job.id(), stored -> LeaseReaper.requeue(stored, now, config.runner()), List.of(),
                stored -> LeaseReaper.events(deps.events(), stored)))
            .onSuccess(reaped -> {
              deps.events().publish(reaped.events());
              if (!reaped.events().isEmpty()) {
                store.appendLogs(job.id(), List.of(LeaseReaper.logLine(reaped.job(), now)))
                    .onFailure(e -> LOG.warn("job {}: the lease-expiry log line was not written", job.id(), e));
              }
            })
            .onFailure(e -> LOG.warn("re-queueing job {} after its lease expired failed", job.id(), e));
      }
      if (!expired.isEmpty()) {
        claim();
      }
    });
  }

  // ---- messages about running jobs -----------------------------------------------------------

  /** Cancels the attempt; a prefetched job starts at once, cancelled, so that it ends without running. */
  private void cancelRun(String id) {
    Job waiting = prefetched.remove(id);
    if (waiting != null) {
      start(waiting, true);
      return;
    }
    JobRun run = runs.get(id);
    if (run != null) {
      run.cancel();
    }
  }

  /** A remote worker's report: applied here if this runner runs the job, else sent to its runner. */
  private void onReport(Message<JsonObject> message) {
    JsonObject report = message.body();
    String id = report.getString("jobId");
    JobRun run = runs.get(id);
    if (run != null) {
      try {
        RemoteReports.apply(run, report);
        message.reply(new JsonObject().put("cancelled", run.isCancelled()));
      } catch (RuntimeException e) {
        BusErrors.fail(message, e);
      }
      return;
    }
    if (message.address().equals(Addresses.runnerReports(runnerId))) {
      BusErrors.fail(message, StagecoachException.notFound("running job " + id));
      return;
    }
    store.get(id)
        .compose(job -> job == null || !job.status().isActive() || runnerId.equals(job.leaseOwner())
            ? Future.<Message<JsonObject>>failedFuture(StagecoachException.notFound("running job " + id))
            : vertx.eventBus().<JsonObject>request(Addresses.runnerReports(job.leaseOwner()), report))
        .onSuccess(reply -> message.reply(reply.body()))
        .onFailure(e -> BusErrors.fail(message, e));
  }
}
