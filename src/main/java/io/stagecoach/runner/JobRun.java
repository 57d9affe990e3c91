package io.stagecoach.runner;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.Event;
import io.stagecoach.bus.EventType;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.Job;
import io.stagecoach.job.JobError;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.OnBusy;
import io.stagecoach.job.Stage;
import io.stagecoach.job.StageStatus;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.store.AttemptStart;
import io.stagecoach.store.JobWrite;
import io.stagecoach.store.WriteResult;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one claimed job: takes its lock, runs its handler under a timeout, records what
 * the handler reports (stage boundaries at once, the rest coalesced per progress interval), and
 * writes how the attempt ended. Reports may come from any thread; everything else runs on the
 * runner's context.
 */
final class JobRun implements JobReporter {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
  private static final long END_WRITE_FIRST_DELAY_MS = 100;
  private static final long END_WRITE_MAX_DELAY_MS = 2_000;

  /** A stage event waiting for the next write, published with the record that write produced. */
  private record StageEvent(EventType type, String stageKey) {
  }

  /** What one write takes from the working copy. */
  private record Pending(List<Stage> stages, List<LogLine> logs, List<StageEvent> stageEvents, boolean progress) {
    boolean isEmpty() {
      return stages == null && logs.isEmpty();
    }
  }

  private final RunnerDeps deps;
  private final JobType type;
  private final String id;
  /** The working copy handlers report into; guarded by {@code this}. */
  private final Job job;
  private boolean stagesChanged;
  private boolean progressChanged;
  private final List<LogLine> pendingLogs = new ArrayList<>();
  private final List<StageEvent> stageEvents = new ArrayList<>();

  private volatile boolean cancelRequested;
  private volatile boolean timedOut;
  private volatile boolean leaseLost;
  /** Why the lock was lost while the attempt held it, or null. */
  private volatile String lockLost;
  private volatile Thread worker;
  private HeldLock lock;
  /** How the running handler's attempt ends; set once the handler is invoked. */
  private Promise<Outcome> attemptOutcome;
  private final Promise<Void> handlerDone = Promise.promise();
  private final Promise<Void> ended = Promise.promise();

  // Write scheduling, touched only on the runner's context.
  private Future<Void> lastWrite = Future.succeededFuture();
  private boolean writing;
  private boolean writeAgain;
  private boolean urgentAgain;
  private boolean finished;
  private long flushTimer = -1;
  private long lastProgressEventAt;
  /** The record as the store last answered it: the end write expects it (see JobWrite#expected). */
  private Job lastStored;

  JobRun(RunnerDeps deps, JobType type, Job claimed) {
    this.deps = deps;
    this.type = type;
    this.id = claimed.id();
    this.job = claimed;
    this.lastStored = claimed.copy();
  }

  String id() {
    return id;
  }

  /** Runs the attempt to its end; the future completes once the end is written and the lock released. */
  Future<Outcome> execute() {
    return acquireLock()
        .compose(busyOutcome -> busyOutcome != null ? Future.succeededFuture(busyOutcome) : runHandler())
        .recover(e -> Future.succeededFuture(Outcome.failed(JobError.HANDLER_ERROR, String.valueOf(e.getMessage()), true)))
        .compose(outcome -> {
          handlerDone.tryComplete();
          return finish(outcome).map(outcome);
        })
        .eventually(this::releaseLock)
        .onComplete(ar -> {
          handlerDone.tryComplete();
          ended.tryComplete();
        });
  }

  /** Completes when the attempt is over: its end stored (or refused) and its lock released. */
  Future<Void> ended() {
    return ended.future();
  }

  /**
   * Completes when the handler is done (or never ran), before the end is stored: the runner's slot
   * is free from then on. The end still comes, batched, and the lease is renewed until it has.
   */
  Future<Void> handlerDone() {
    return handlerDone.future();
  }

  /** Asks the handler to stop; the job ends cancelled when it does. */
  void cancel() {
    cancelRequested = true;
    interruptWorker();
  }

  /** The lease is gone (or the runner stops): stop, and write nothing more as the owner. */
  void lose(String why) {
    LOG.warn("job {}: {}; abandoning the attempt", id, why);
    leaseLost = true;
    interruptWorker();
  }

  /**
   * The lock can no longer be confirmed, or was taken: the handler is told to stop, and the attempt
   * ends at once as a retryable {@code lock_lost} failure, written while the lease is still ours —
   * whatever the handler still returns, it ran partly without the lock. Before the handler starts,
   * the job simply waits again, the attempt not counted.
   */
  private void loseLock(String why) {
    LOG.warn("job {}: {}; stopping the attempt", id, why);
    lockLost = why;
    interruptWorker();
    if (attemptOutcome != null) {
      attemptOutcome.tryComplete(Outcome.failed(JobError.LOCK_LOST, why, true));
    }
  }

  boolean isCancelled() {
    return cancelRequested || timedOut || leaseLost || lockLost != null;
  }

  // ---- lock ----------------------------------------------------------------------------------

  /** Null when the handler may run; otherwise how the attempt ends without running it. */
  private Future<Outcome> acquireLock() {
    if (job.lock() == null) {
      return Future.succeededFuture(null);
    }
    String key = job.lock().key();
    long requestedAt = System.nanoTime();
    return deps.locks().acquire(key, id, deps.lockTtl())
        .map(result -> {
          if (result.granted()) {
            lock = new HeldLock(deps.vertx(), deps.locks(), key, result, requestedAt, deps.lockTtl(), this::loseLock);
            return null;
          }
          return onBusy(key, result.holder());
        })
        .otherwise(e -> {
          log(LogLevel.WARN, null, "lock manager unavailable for '" + key + "'; the job waits: " + e.getMessage());
          return Outcome.requeued();
        });
  }

  private Outcome onBusy(String key, String holder) {
    OnBusy onBusy = job.lock().onBusy();
    return switch (onBusy) {
      case SKIP -> {
        log(LogLevel.WARN, null, "lock '" + key + "' is held by " + holder + "; skipped");
        yield Outcome.succeeded(new JsonObject().put("skipped", "lock_busy"));
      }
      case FAIL -> Outcome.failed(JobError.LOCK_BUSY, "lock '" + key + "' is held by " + holder, false);
      case WAIT -> Outcome.requeued();
    };
  }

  private Future<Void> releaseLock() {
    if (lock == null) {
      return Future.succeededFuture();
    }
    HeldLock held = lock;
    lock = null;
    return held.release()
        .onFailure(e -> LOG.warn("job {}: releasing lock '{}' failed; it expires by TTL", id, held.key(), e))
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  // ---- handler -------------------------------------------------------------------------------

  private Future<Outcome> runHandler() {
    if (cancelRequested) {
      return Future.succeededFuture(Outcome.cancelled()); // cancelled before it started (while prefetched)
    }
    if (job.attempt() > 1) {
      synchronized (this) {
        job.stages().forEach(Stage::reset);
        stagesChanged = true;
      }
    }
    // The start is recorded before the handler runs: a runner that dies before spends no attempt,
    // and a started event never announces an attempt that did not start.
    Instant at = deps.clock().instant();
    Job starting = snapshotJob();
    starting.start(at);
    starting.touch(at);
    Event started = deps.events().of(EventType.JOB_STARTED, starting);
    return deps.starts().write(new AttemptStart(id, at, List.of(started))).compose(recorded -> {
      if (!recorded) {
        leaseLost = true; // another runner's now, or gone: nothing more is written as its owner
        return Future.failedFuture(new LeaseLost());
      }
      synchronized (this) {
        job.start(at);
        job.touch(at);
      }
      lastStored.start(at);
      lastStored.touch(at);
      if (lockLost != null) {
        log(LogLevel.WARN, null, lockLost + " before the handler started; the job waits");
        return Future.succeededFuture(Outcome.requeued());
      }
      deps.events().publish(started);
      log(LogLevel.INFO, null, "attempt " + job.attempt() + " of " + job.maxAttempts() + " started");
      Promise<Outcome> outcome = Promise.promise();
      attemptOutcome = outcome;
      long timer = deps.vertx().setTimer(Math.max(1, job.timeoutMs()), t -> {
        timedOut = true;
        interruptWorker();
        outcome.tryComplete(Outcome.failed(JobError.TIMEOUT, "attempt ran past timeoutMs=" + job.timeoutMs(), true));
      });
      long handlerStart = System.nanoTime();
      invoke().onComplete(ar -> onRunnerContext(() -> outcome.tryComplete(toOutcome(ar))));
      return outcome.future().onComplete(ar -> {
        deps.vertx().cancelTimer(timer);
        if (ar.succeeded()) {
          deps.metrics().attemptEnded(job.type(), ar.result().kind().wire(), System.nanoTime() - handlerStart);
        }
      });
    }, e -> {
      log(LogLevel.WARN, null, "the start could not be recorded; the job waits: " + e.getMessage());
      return Future.succeededFuture(Outcome.requeued());
    });
  }

  /**
   * A handler's future may complete on any thread (a client bound to another context, a gate a
   * test opens): the attempt goes on on the runner's context, whose state its end touches.
   */
  private void onRunnerContext(Runnable action) {
    if (Vertx.currentContext() == deps.context()) {
      action.run();
    } else {
      deps.context().runOnContext(v -> action.run());
    }
  }

  private Future<JsonObject> invoke() {
    ReportingContext context = new ReportingContext(deps.vertx(), id, job.type(), job.tenant(), job.attempt(),
        job.input(), fencingToken(), this::isCancelled, this);
    try {
      if (type.handler() != null) {
        Future<JsonObject> result = type.handler().handle(context);
        return result != null ? result : Future.succeededFuture(new JsonObject());
      }
      if (type.blockingHandler() != null) {
        return deps.workers().executeBlocking(() -> runBlocking(context), false);
      }
      return invokeRemote();
    } catch (Throwable t) {
      return Future.failedFuture(t);
    }
  }

  private JsonObject runBlocking(ReportingContext context) throws Exception {
    worker = Thread.currentThread();
    try {
      if (isCancelled()) {
        throw new JobCancelledException();
      }
      return type.blockingHandler().handle(context);
    } finally {
      worker = null;
      Thread.interrupted(); // an interrupt meant for this job must not hit the pool's next task
    }
  }

  private Future<JsonObject> invokeRemote() {
    JsonObject work = new JsonObject()
        .put("job", JobJson.toJson(snapshotJob()))
        .put("fencingToken", fencingToken());
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(job.timeoutMs() + 1_000);
    return deps.vertx().eventBus().<JsonObject>request(Addresses.work(job.type()), work, options)
        .map(Message::body)
        .recover(e -> Future.failedFuture(remoteFailure(e)));
  }

  private Throwable remoteFailure(Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS) {
      return new JobFailure(JobError.NO_WORKER, "no worker serves job type " + job.type());
    }
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      try {
        JsonObject failure = new JsonObject(reply.getMessage());
        if (Boolean.TRUE.equals(failure.getBoolean("cancelled"))) {
          return new JobCancelledException();
        }
        return new JobFailure(failure.getString("code", JobError.HANDLER_ERROR), failure.getString("message"),
            failure.getBoolean("retryable", true));
      } catch (RuntimeException notJson) {
        return new JobFailure(JobError.HANDLER_ERROR, reply.getMessage());
      }
    }
    return e;
  }

  private Outcome toOutcome(AsyncResult<JsonObject> ar) {
    if (cancelRequested) {
      return Outcome.cancelled();
    }
    if (ar.succeeded()) {
      return Outcome.succeeded(ar.result());
    }
    Throwable cause = ar.cause();
    if (cause instanceof JobFailure failure) {
      return Outcome.failed(failure.code(), failure.getMessage(), failure.retryable());
    }
    if (cause instanceof StagecoachException e) {
      return Outcome.failed(e.code().code(), e.getMessage(), true);
    }
    return Outcome.failed(JobError.HANDLER_ERROR, String.valueOf(cause.getMessage()), true);
  }

  private Long fencingToken() {
    return lock == null ? null : lock.fencingToken();
  }

  private void interruptWorker() {
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  // ---- the end -------------------------------------------------------------------------------

  private Future<Void> finish(Outcome outcome) {
    if (outcome.kind() == Outcome.Kind.FAILED) {
      log(LogLevel.ERROR, null, "attempt " + job.attempt() + " failed: " + outcome.error().code() + ": "
          + outcome.error().message());
    }
    if (flushTimer >= 0) {
      deps.vertx().cancelTimer(flushTimer);
      flushTimer = -1;
    }
    finished = true;
    // The end carries the final stages and the logs not yet written, after any write in flight.
    long deadline = System.currentTimeMillis() + deps.config().leaseTtl().toMillis();
    Promise<Pending> last = Promise.promise();
    lastWrite.onComplete(ar -> last.complete(takePending()));
    return last.future()
        .compose(pending -> writeEnd(outcome, pending, deadline, END_WRITE_FIRST_DELAY_MS)
            .onSuccess(ended -> {
              deps.events().publish(ended.events());
              if (ended.job().status() == JobStatus.QUEUED && outcome.kind() == Outcome.Kind.FAILED) {
                deps.store().appendLogs(id, List.of(new LogLine(0, deps.clock().instant(), LogLevel.INFO, null,
                    "attempt " + ended.job().attempt() + " of " + ended.job().maxAttempts() + " failed; retrying at "
                        + ended.job().runAt())));
              }
            }))
        .onFailure(e -> {
          if (!(e instanceof LeaseLost)) {
            LOG.error("job {}: writing the end of attempt {} failed; the lease reaper will retry it", id, job.attempt(), e);
          }
        })
        .<Void>mapEmpty()
        .recover(e -> Future.succeededFuture());
  }

  /**
   * Writes the end, trying again while the store is unavailable and the lease would still be
   * valid: a short store outage must not cost a finished job another run.
   */
  private Future<WriteResult> writeEnd(Outcome outcome, Pending pending, long deadline, long delayMs) {
    List<Stage> stages = snapshotStages();
    Instant now = deps.clock().instant();
    JobWrite write = new JobWrite(id, stored -> end(stored, outcome, stages, now), pending.logs(),
        ended -> endEvents(ended, outcome, pending.stageEvents())).expecting(lastStored);
    return deps.ends().write(write).compose(JobRun::acceptedOrRefusal).recover(e -> {
      boolean unavailable = e instanceof StagecoachException se && se.code() == ErrorCode.UNAVAILABLE;
      if (!unavailable || System.currentTimeMillis() + delayMs > deadline) {
        return Future.failedFuture(e);
      }
      Promise<WriteResult> retried = Promise.promise();
      deps.vertx().setTimer(delayMs, t -> writeEnd(outcome, pending, deadline, Math.min(delayMs * 2, END_WRITE_MAX_DELAY_MS))
          .onComplete(retried));
      return retried.future();
    });
  }

  private static Future<WriteResult> acceptedOrRefusal(WriteResult result) {
    return result.refusal() == null ? Future.succeededFuture(result) : Future.failedFuture(result.refusal());
  }

  /** Writes {@code outcome} into the stored record, if this runner still owns it. */
  private boolean end(Job stored, Outcome outcome, List<Stage> stages, Instant now) {
    if (!stored.ownedBy(deps.runnerId()) || leaseLost) {
      throw new LeaseLost();
    }
    replaceStages(stored, stages);
    // A cancel asked for while the attempt ran (or waited for its lock) wins over how it ended.
    if (stored.status() == JobStatus.CANCELLING || outcome.kind() == Outcome.Kind.CANCELLED) {
      stored.closeStages(StageStatus.CANCELLED, StageStatus.SKIPPED, now);
      stored.moveTo(JobStatus.CANCELLED, now);
      return true;
    }
    if (outcome.kind() == Outcome.Kind.REQUEUED) {
      stored.unclaim(now, now.plus(deps.config().lockWaitRecheck()));
      return true;
    }
    if (outcome.kind() == Outcome.Kind.SUCCEEDED) {
      stored.closeStages(StageStatus.SUCCEEDED, StageStatus.SKIPPED, now);
      stored.result(outcome.result()).error(null);
      stored.moveTo(JobStatus.SUCCEEDED, now);
      return true;
    }
    stored.closeStages(StageStatus.FAILED, null, now);
    stored.error(outcome.error());
    if (outcome.retryable() && stored.attempt() < stored.maxAttempts()) {
      stored.moveTo(JobStatus.QUEUED, now);
      stored.runAt(now.plus(deps.config().backoff().delayBefore(stored.attempt() + 1)));
    } else {
      stored.moveTo(JobStatus.FAILED, now);
    }
    return true;
  }

  /** The stage events still due, then the event of how the attempt ended (none when it only waits for its lock). */
  private List<Event> endEvents(Job ended, Outcome outcome, List<StageEvent> stageEvents) {
    List<Event> events = new ArrayList<>(stageEvents.size() + 1);
    stageEvents.forEach(event -> events.add(stageEvent(event, ended)));
    switch (ended.status()) {
      case SUCCEEDED -> events.add(deps.events().of(EventType.JOB_SUCCEEDED, ended));
      case FAILED -> events.add(deps.events().of(EventType.JOB_FAILED, ended));
      case CANCELLED -> events.add(deps.events().of(EventType.JOB_CANCELLED, ended));
      case QUEUED -> {
        if (outcome.kind() == Outcome.Kind.FAILED) {
          events.add(deps.events().of(EventType.JOB_RETRYING, ended));
        }
      }
      default -> {
      }
    }
    return events;
  }

  /** Thrown inside a store mutation when the record is no longer this runner's to change. */
  private static final class LeaseLost extends RuntimeException {
    LeaseLost() {
      super("lease lost", null, false, false);
    }
  }

  // ---- reports from the handler (any thread) -------------------------------------------------

  @Override
  public void startStage(String key, String name) {
    synchronized (this) {
      stageFor(key, name).start(deps.clock().instant());
      stagesChanged = true;
      stageEvents.add(new StageEvent(EventType.JOB_STAGE_STARTED, key));
    }
    requestWrite(true);
  }

  @Override
  public void finishStage(String key, StageStatus status) {
    synchronized (this) {
      stageFor(key, key).finish(status, deps.clock().instant());
      stagesChanged = true;
      progressChanged = true;
      stageEvents.add(new StageEvent(EventType.JOB_STAGE_FINISHED, key));
    }
    requestWrite(true);
  }

  @Override
  public void progress(String key, double progress) {
    synchronized (this) {
      stageFor(key, key).setProgress(progress);
      stagesChanged = true;
      progressChanged = true;
    }
    requestWrite(false);
  }

  @Override
  public void param(String key, String name, Object value) {
    synchronized (this) {
      stageFor(key, key).setParam(name, value);
      stagesChanged = true;
      progressChanged = true;
    }
    requestWrite(false);
  }

  @Override
  public void log(LogLevel level, String stageKey, String message) {
    appendLog(level, stageKey, message);
    requestWrite(false);
  }

  private synchronized void appendLog(LogLevel level, String stageKey, String message) {
    pendingLogs.add(new LogLine(0, deps.clock().instant(), level, stageKey, message));
  }

  /** Guarded by {@code this}. */
  private Stage stageFor(String key, String name) {
    return job.stage(key).orElseGet(() -> {
      Stage stage = new Stage(key, name, 1.0);
      job.stages().add(stage);
      return stage;
    });
  }

  // ---- writing the record --------------------------------------------------------------------

  private void requestWrite(boolean urgent) {
    if (Vertx.currentContext() == deps.context()) {
      scheduleWrite(urgent);
    } else {
      deps.context().runOnContext(v -> scheduleWrite(urgent));
    }
  }

  private void scheduleWrite(boolean urgent) {
    if (finished) {
      return;
    }
    if (writing) {
      writeAgain = true;
      urgentAgain |= urgent;
      return;
    }
    if (urgent) {
      if (flushTimer >= 0) {
        deps.vertx().cancelTimer(flushTimer);
        flushTimer = -1;
      }
      write();
    } else if (flushTimer < 0) {
      flushTimer = deps.vertx().setTimer(deps.config().progressInterval().toMillis() + 1, t -> {
        flushTimer = -1;
        write();
      });
    }
  }

  /**
   * Writes what changed since the last write with the events it makes due; progress events at
   * most one per {@code progressInterval} (a change too soon after the last one is written again later).
   */
  private Future<Void> write() {
    Pending pending = takePending();
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    writing = true;
    long now = System.currentTimeMillis();
    boolean progressDue = pending.progress() && now - lastProgressEventAt >= deps.config().progressInterval().toMillis();
    if (progressDue) {
      lastProgressEventAt = now;
    }
    JobWrite write = new JobWrite(id, stored -> {
      if (pending.stages() == null || !stored.ownedBy(deps.runnerId())) {
        return false;
      }
      replaceStages(stored, pending.stages());
      return true;
    }, pending.logs(), stored -> stored.ownedBy(deps.runnerId()) ? progressEvents(pending, progressDue, stored) : List.of());
    lastWrite = deps.store().write(write)
        .onSuccess(written -> {
          lastStored = written.job();
          deps.events().publish(written.events());
          if (pending.progress() && !progressDue) {
            synchronized (this) {
              progressChanged = true;
            }
            scheduleWrite(false);
          }
        })
        .onFailure(e -> LOG.warn("job {}: writing progress failed; will write it again", id, e))
        .<Void>mapEmpty()
        .eventually(() -> {
          writing = false;
          if (writeAgain) {
            boolean urgent = urgentAgain;
            writeAgain = false;
            urgentAgain = false;
            scheduleWrite(urgent);
          }
          return Future.succeededFuture();
        });
    return lastWrite;
  }

  private List<Event> progressEvents(Pending pending, boolean progressDue, Job stored) {
    List<Event> events = new ArrayList<>(pending.stageEvents().size() + 1);
    pending.stageEvents().forEach(event -> events.add(stageEvent(event, stored)));
    if (progressDue) {
      events.add(deps.events().of(EventType.JOB_PROGRESS, stored));
    }
    return events;
  }

  private Event stageEvent(StageEvent event, Job stored) {
    return deps.events().of(event.type(), stored, JobJson.toJson(stored).put("stage", event.stageKey()));
  }

  private synchronized Pending takePending() {
    List<Stage> stages = stagesChanged || progressChanged ? copyStages() : null;
    Pending pending = new Pending(stages, List.copyOf(pendingLogs), List.copyOf(stageEvents), progressChanged);
    pendingLogs.clear();
    stageEvents.clear();
    stagesChanged = false;
    progressChanged = false;
    return pending;
  }

  private synchronized List<Stage> snapshotStages() {
    return copyStages();
  }

  private synchronized Job snapshotJob() {
    return job.copy();
  }

  private List<Stage> copyStages() {
    List<Stage> copy = new ArrayList<>(job.stages().size());
    job.stages().forEach(s -> copy.add(s.copy()));
    return copy;
  }

  private static void replaceStages(Job stored, List<Stage> stages) {
    stored.stages().clear();
    stages.forEach(s -> stored.stages().add(s.copy()));
  }
}
