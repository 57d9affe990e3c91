package io.stagecoach.job;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job record (SPEC §2). Mutable, so a store or a runner works on its own {@link #copy()};
 * status moves go through {@link #moveTo}, which enforces the lifecycle table of {@link JobStatus}.
 */
public final class Job {
  private final String id;
  private final String type;
  private final String tenant;
  private JobStatus status = JobStatus.QUEUED;
  private int priority;
  private JsonObject input;
  private JsonObject result;
  private JobError error;
  private int attempt;
  private int maxAttempts;
  private long timeoutMs;
  private LockSpec lock;
  private String idempotencyKey;
  /** Hash of the submission, to tell an idempotent replay from a conflicting reuse of a key. */
  private String fingerprint;
  private Map<String, String> labels = Map.of();
  private final Instant createdAt;
  private Instant runAt;
  private Instant startedAt;
  private Instant finishedAt;
  private Instant updatedAt;
  private long version;
  private final List<Stage> stages = new ArrayList<>();
  private String leaseOwner;
  private Instant leaseExpiresAt;

  public Job(String id, String type, String tenant, Instant createdAt) {
    this.id = id;
    this.type = type;
    this.tenant = tenant;
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
    this.runAt = createdAt;
    this.version = 1;
  }

  public Job copy() {
    Job copy = new Job(id, type, tenant, createdAt);
    copy.status = status;
    copy.priority = priority;
    // Input and result are mutable JSON: a copy must not share them, or changing it changes the original.
    copy.input = input == null ? null : input.copy();
    copy.result = result == null ? null : result.copy();
    copy.error = error;
    copy.attempt = attempt;
    copy.maxAttempts = maxAttempts;
    copy.timeoutMs = timeoutMs;
    copy.lock = lock;
    copy.idempotencyKey = idempotencyKey;
    copy.fingerprint = fingerprint;
    copy.labels = labels;
    copy.runAt = runAt;
    copy.startedAt = startedAt;
    copy.finishedAt = finishedAt;
    copy.updatedAt = updatedAt;
    copy.version = version;
    for (Stage stage : stages) {
      copy.stages.add(stage.copy());
    }
    copy.leaseOwner = leaseOwner;
    copy.leaseExpiresAt = leaseExpiresAt;
    return copy;
  }

  /** Moves to {@code next}; an illegal move is a bug in the caller, so it throws. */
  public void moveTo(JobStatus next, Instant now) {
    if (!status.canMoveTo(next)) {
      throw new IllegalStateException("job " + id + ": " + status.wire() + " -> " + next.wire());
    }
    status = next;
    if (next.isTerminal()) {
      finishedAt = now;
      leaseOwner = null;
      leaseExpiresAt = null;
    } else if (next == JobStatus.QUEUED) {
      finishedAt = null;
      leaseOwner = null;
      leaseExpiresAt = null;
    }
  }

  /**
   * A runner's claim: takes the lease for the next attempt, which has not started yet
   * ({@code startedAt} stays null until {@link #start}): a claim whose runner dies before the
   * start is stored gives the job back without spending the attempt.
   */
  public void claim(String runner, Instant now, Instant leaseUntil) {
    moveTo(JobStatus.RUNNING, now);
    attempt++;
    startedAt = null;
    leaseOwner = runner;
    leaseExpiresAt = leaseUntil;
  }

  /** The claimed attempt starts: from here on, an attempt that does not end counts as failed. */
  public void start(Instant now) {
    if (!status.isActive() || leaseOwner == null) {
      throw new IllegalStateException("job " + id + ": an attempt starts only under a claim, not " + status.wire());
    }
    startedAt = now;
  }

  /** Whether the claimed attempt's start was recorded (a job that is not running has none). */
  public boolean attemptStarted() {
    return status.isActive() && startedAt != null;
  }

  /** Undoes a claim whose handler never started (the lock was busy, or the runner stopped first). */
  public void unclaim(Instant now, Instant retryAt) {
    moveTo(JobStatus.QUEUED, now);
    attempt--;
    startedAt = null;
    runAt = retryAt;
  }

  /** Marks every running stage with {@code end} and, if given, every pending one with {@code pendingEnd}. */
  public void closeStages(StageStatus end, StageStatus pendingEnd, Instant now) {
    for (Stage stage : stages) {
      if (stage.status() == StageStatus.RUNNING) {
        stage.finish(end, now);
      } else if (pendingEnd != null && stage.status() == StageStatus.PENDING) {
        stage.finish(pendingEnd, now);
      }
    }
  }

  /** Mean of stage progress, weighted by each stage's weight; 1.0 once the job succeeded. */
  public double progress() {
    if (status == JobStatus.SUCCEEDED) {
      return 1.0;
    }
    double total = 0;
    double done = 0;
    for (Stage stage : stages) {
      total += stage.weight();
      done += stage.weight() * stage.effectiveProgress();
    }
    return total == 0 ? 0 : done / total;
  }

  public Optional<Stage> stage(String key) {
    for (Stage stage : stages) {
      if (stage.key().equals(key)) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }

  public boolean ownedBy(String runner) {
    return status.isActive() && runner.equals(leaseOwner);
  }

  /** Records a change: {@code version} is the ETag, so every visible change bumps it. */
  public void touch(Instant now) {
    version++;
    updatedAt = now;
  }

  public String id() { return id; }
  public String type() { return type; }
  public String tenant() { return tenant; }
  public JobStatus status() { return status; }
  public int priority() { return priority; }
  public JsonObject input() { return input; }
  public JsonObject result() { return result; }
  public JobError error() { return error; }
  public int attempt() { return attempt; }
  public int maxAttempts() { return maxAttempts; }
  public long timeoutMs() { return timeoutMs; }
  public LockSpec lock() { return lock; }
  public String idempotencyKey() { return idempotencyKey; }
  public String fingerprint() { return fingerprint; }
  public Map<String, String> labels() { return labels; }
  public Instant createdAt() { return createdAt; }
  public Instant runAt() { return runAt; }
  public Instant startedAt() { return startedAt; }
  public Instant finishedAt() { return finishedAt; }
  public Instant updatedAt() { return updatedAt; }
  public long version() { return version; }
  public List<Stage> stages() { return stages; }
  public String leaseOwner() { return leaseOwner; }
  public Instant leaseExpiresAt() { return leaseExpiresAt; }

  public Job priority(int value) { priority = value; return this; }
  public Job input(JsonObject value) { input = value; return this; }
  public Job result(JsonObject value) { result = value; return this; }
  public Job error(JobError value) { error = value; return this; }
  public Job maxAttempts(int value) { maxAttempts = value; return this; }
  public Job timeoutMs(long value) { timeoutMs = value; return this; }
  public Job lock(LockSpec value) { lock = value; return this; }
  public Job idempotencyKey(String value) { idempotencyKey = value; return this; }
  public Job fingerprint(String value) { fingerprint = value; return this; }
  public Job labels(Map<String, String> value) { labels = Map.copyOf(value); return this; }
  public Job runAt(Instant value) { runAt = value; return this; }
  public Job leaseExpiresAt(Instant value) { leaseExpiresAt = value; return this; }

  /** For stores that load a record back: sets what the lifecycle methods otherwise maintain. */
  public Job restore(JobStatus status, int attempt, Instant startedAt, Instant finishedAt,
      Instant updatedAt, long version, String leaseOwner, Instant leaseExpiresAt) {
    this.status = status;
    this.attempt = attempt;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.updatedAt = updatedAt;
    this.version = version;
    this.leaseOwner = leaseOwner;
    this.leaseExpiresAt = leaseExpiresAt;
    return this;
  }

  /** Re-queues a finished job for one more attempt ({@code POST /retry}). */
  public void retryOnceMore(Instant now) {
    moveTo(JobStatus.QUEUED, now);
    maxAttempts = Math.max(maxAttempts, attempt) + 1;
    runAt = now;
    result = null;
  }
}
