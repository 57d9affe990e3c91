package io.stagecoach.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.Jobs;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JobTest {
  private static final double EPSILON = 1e-9;
  private final MutableClock clock = new MutableClock();

  @Test
  @DisplayName("a job without stages has made no progress")
  void noStages() {
    assertEquals(0.0, Jobs.aQueuedJob(clock).progress(), EPSILON);
  }

  @Test
  @DisplayName("progress is the mean of stage progress, weighted by each stage's weight")
  void weightedMean() {
    Job job = Jobs.aQueuedJob(clock);
    Stage light = stage(job, "light", 1);
    Stage heavy = stage(job, "heavy", 3);
    light.start(clock.instant());
    light.setProgress(0.5);
    heavy.start(clock.instant());
    heavy.setProgress(0.25);

    assertEquals((1 * 0.5 + 3 * 0.25) / 4, job.progress(), EPSILON);
  }

  @Test
  @DisplayName("equal weights make progress the plain mean, and pending stages count as zero")
  void plainMean() {
    Job job = Jobs.aQueuedJob(clock);
    Stage first = stage(job, "first", 1);
    stage(job, "second", 1);
    stage(job, "third", 1);
    first.start(clock.instant());
    first.setProgress(0.9);

    assertEquals(0.3, job.progress(), EPSILON);
  }

  @Test
  @DisplayName("succeeded and skipped stages count as complete whatever they last reported; a failed one counts what it did")
  void doneStagesCountAsComplete() {
    Job job = Jobs.aQueuedJob(clock);
    Stage succeeded = stage(job, "a", 2);
    Stage skipped = stage(job, "b", 1);
    Stage failed = stage(job, "c", 1);
    succeeded.start(clock.instant());
    succeeded.setProgress(0.1);
    succeeded.finish(StageStatus.SUCCEEDED, clock.instant());
    skipped.finish(StageStatus.SKIPPED, clock.instant());
    failed.start(clock.instant());
    failed.setProgress(0.5);
    failed.finish(StageStatus.FAILED, clock.instant());

    assertEquals(1.0, succeeded.progress(), EPSILON);
    assertEquals((2 * 1.0 + 1 * 1.0 + 1 * 0.5) / 4, job.progress(), EPSILON);
  }

  @Test
  @DisplayName("a succeeded job is complete even if a stage never reported progress")
  void succeededJobIsComplete() {
    Job job = Jobs.aQueuedJob(clock);
    stage(job, "never", 1);
    job.claim("r", clock.instant(), clock.instant().plusSeconds(30));
    job.moveTo(JobStatus.SUCCEEDED, clock.instant());

    assertEquals(1.0, job.progress(), EPSILON);
  }

  @Test
  @DisplayName("stage progress is clamped to 0..1")
  void progressClamped() {
    Stage stage = new Stage("s", "S", 1);
    stage.setProgress(1.7);
    assertEquals(1.0, stage.progress(), EPSILON);
    stage.setProgress(-0.2);
    assertEquals(0.0, stage.progress(), EPSILON);
  }

  @Test
  @DisplayName("only a claimed job can start an attempt")
  void startNeedsAClaim() {
    Job job = Jobs.aQueuedJob(clock);
    assertThrows(IllegalStateException.class, () -> job.start(clock.instant()));
    assertFalse(job.attemptStarted());
  }

  @Test
  @DisplayName("a claim counts the attempt and takes the lease, the start stamps startedAt; unclaim undoes it")
  void claimAndUnclaim() {
    Job job = Jobs.aQueuedJob(clock);
    Instant now = clock.instant();

    job.claim("runner-1", now, now.plusSeconds(30));
    assertEquals(JobStatus.RUNNING, job.status());
    assertEquals(1, job.attempt());
    assertNull(job.startedAt(), "a claim does not start the attempt");
    assertFalse(job.attemptStarted());
    assertEquals("runner-1", job.leaseOwner());
    assertEquals(now.plusSeconds(30), job.leaseExpiresAt());
    assertTrue(job.ownedBy("runner-1"));

    job.start(now.plusMillis(3));
    assertEquals(now.plusMillis(3), job.startedAt());
    assertTrue(job.attemptStarted());

    Instant later = now.plusSeconds(5);
    job.unclaim(now, later);
    assertEquals(JobStatus.QUEUED, job.status());
    assertEquals(0, job.attempt());
    assertNull(job.startedAt());
    assertNull(job.leaseOwner());
    assertEquals(later, job.runAt());
    assertTrue(!job.ownedBy("runner-1"), "a queued job is nobody's");
  }

  @Test
  @DisplayName("retryOnceMore re-queues a failed job now, with one more attempt allowed and the old result dropped")
  void retryOnceMore() {
    Job job = Jobs.aQueuedJob(clock).maxAttempts(1);
    job.claim("r", clock.instant(), clock.instant().plusSeconds(30));
    job.result(new JsonObject().put("partial", true));
    job.moveTo(JobStatus.FAILED, clock.instant());
    Instant now = clock.advance(Duration.ofMinutes(1));

    job.retryOnceMore(now);

    assertEquals(JobStatus.QUEUED, job.status());
    assertEquals(1, job.attempt(), "attempts keep counting");
    assertEquals(2, job.maxAttempts());
    assertEquals(now, job.runAt());
    assertNull(job.result());
    assertNull(job.finishedAt());
  }

  @Test
  @DisplayName("a succeeded job cannot be retried")
  void succeededCannotRetry() {
    Job job = Jobs.aQueuedJob(clock);
    job.claim("r", clock.instant(), clock.instant().plusSeconds(30));
    job.moveTo(JobStatus.SUCCEEDED, clock.instant());

    assertThrows(IllegalStateException.class, () -> job.retryOnceMore(clock.instant()));
    assertEquals(JobStatus.SUCCEEDED, job.status());
  }

  @Test
  @DisplayName("closeStages ends running stages one way and pending ones another, leaving finished ones alone")
  void closeStages() {
    Job job = Jobs.aQueuedJob(clock);
    Stage done = stage(job, "done", 1);
    Stage running = stage(job, "running", 1);
    Stage pending = stage(job, "pending", 1);
    done.start(clock.instant());
    done.finish(StageStatus.SUCCEEDED, clock.instant());
    running.start(clock.instant());

    job.closeStages(StageStatus.CANCELLED, StageStatus.SKIPPED, clock.advance(Duration.ofSeconds(1)));

    assertEquals(StageStatus.SUCCEEDED, done.status());
    assertEquals(StageStatus.CANCELLED, running.status());
    assertEquals(StageStatus.SKIPPED, pending.status());
    assertEquals(clock.instant(), running.finishedAt());
  }

  @Test
  @DisplayName("a copy shares nothing mutable with its original")
  void copyIsDeep() {
    Job original = Jobs.aQueuedJob(clock).result(new JsonObject().put("r", 1)).labels(Map.of("k", "v"));
    Stage stage = stage(original, "s", 1);
    stage.setParam("Total files", 1);
    JsonObject before = JobJson.toJson(original).copy();

    Job copy = original.copy();
    copy.input().put("n", 2);
    copy.result().put("r", 2);
    copy.stages().get(0).setParam("Total files", 2);
    copy.stages().get(0).setProgress(0.5);
    copy.stages().add(new Stage("t", "T", 1));
    copy.touch(clock.advance(Duration.ofSeconds(1)));

    assertEquals(before, JobJson.toJson(original));
  }

  @Test
  @DisplayName("touch bumps the version by one and sets updatedAt")
  void touch() {
    Job job = Jobs.aQueuedJob(clock);
    Instant now = clock.advance(Duration.ofSeconds(3));

    job.touch(now);

    assertEquals(2, job.version());
    assertEquals(now, job.updatedAt());
  }

  @Test
  @DisplayName("a job built without labels has none, rather than null")
  void labelsDefaultToEmpty() {
    Job job = new Job(JobIds.next(), "t", "acme", clock.instant());
    assertEquals(Map.of(), job.labels());
    assertEquals(new JsonObject(), JobJson.toJson(job).getJsonObject("labels"));
  }

  private static Stage stage(Job job, String key, double weight) {
    Stage stage = new Stage(key, key.toUpperCase(), weight);
    job.stages().add(stage);
    return stage;
  }
}
