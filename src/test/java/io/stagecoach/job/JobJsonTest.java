package io.stagecoach.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.stagecoach.testing.Jobs;
import io.stagecoach.testing.MutableClock;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JobJsonTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00.123456789Z"));

  @Test
  @DisplayName("a fully populated record survives toJson -> fromJson -> toJson unchanged")
  void roundTripFull() {
    Job job = aFinishedJobWithEverything();
    JsonObject json = JobJson.toJson(job);

    JsonObject again = JobJson.toJson(JobJson.fromJson(json.copy()));

    assertEquals(json, again);
  }

  @Test
  @DisplayName("a fresh queued record survives the round trip unchanged")
  void roundTripQueued() {
    Job job = Jobs.aQueuedJob(clock).runAt(clock.instant().plusSeconds(60));
    JsonObject json = JobJson.toJson(job);

    assertEquals(json, JobJson.toJson(JobJson.fromJson(json.copy())));
  }

  @Test
  @DisplayName("the record has the contract's shape: lower-case statuses, millisecond UTC instants, nulls present, no lease")
  void shape() {
    Job job = aFinishedJobWithEverything();
    JsonObject json = JobJson.toJson(job);

    assertEquals("failed", json.getString("status"));
    assertEquals("2026-11-23T10:00:00.123Z", json.getString("createdAt"));
    assertTrue(json.getString("finishedAt").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
    assertEquals(new JsonObject().put("code", "handler_error").put("message", "boom"), json.getJsonObject("error"));
    assertEquals(new JsonObject().put("key", "deployment:74").put("onBusy", "wait"), json.getJsonObject("lock"));
    assertEquals(new JsonObject().put("project", "24"), json.getJsonObject("labels"));
    assertTrue(json.containsKey("result") && json.getValue("result") == null, "result is present as null");
    assertFalse(json.containsKey("leaseOwner"));
    assertFalse(json.containsKey("leaseExpiresAt"));
    assertFalse(json.containsKey("fingerprint"));

    JsonArray stages = json.getJsonArray("stages");
    JsonObject first = stages.getJsonObject(0);
    assertEquals("data_storage_sync", first.getString("key"));
    assertEquals("succeeded", first.getString("status"));
    assertEquals(1.0, first.getDouble("progress"));
    assertEquals(new JsonObject().put("key", "total_files").put("name", "Total files").put("value", 857),
        first.getJsonArray("params").getJsonObject(0));
    assertEquals("running", stages.getJsonObject(1).getString("status"));
  }

  @Test
  @DisplayName("progress is rounded to four decimals")
  void progressRounded() {
    Job job = Jobs.aQueuedJob(clock);
    Stage stage = new Stage("s", "S", 1);
    job.stages().add(stage);
    stage.start(clock.instant());
    stage.setProgress(1.0 / 3);

    JsonObject json = JobJson.toJson(job);

    assertEquals(0.3333, json.getDouble("progress"));
    assertEquals(0.3333, json.getJsonArray("stages").getJsonObject(0).getDouble("progress"));
  }

  @Test
  @DisplayName("reading a record back restores no lease: leases are not part of the record")
  void noLeaseFromJson() {
    Job job = Jobs.aQueuedJob(clock);
    job.claim("runner-1", clock.instant(), clock.instant().plusSeconds(30));

    Job read = JobJson.fromJson(JobJson.toJson(job));

    assertEquals(JobStatus.RUNNING, read.status());
    assertEquals(1, read.attempt());
    assertNull(read.leaseOwner());
    assertNull(read.leaseExpiresAt());
  }

  /** A failed job with every optional part set: error, lock, labels, key, stages with params. */
  private Job aFinishedJobWithEverything() {
    Job job = Jobs.aQueuedJob(clock)
        .priority(-4)
        .input(new JsonObject().put("project", 24).put("nested", new JsonObject().put("list", new JsonArray().add(1).add("two"))))
        .lock(new LockSpec("deployment:74", OnBusy.WAIT))
        .idempotencyKey("order-17")
        .labels(Map.of("project", "24"))
        .timeoutMs(600_000)
        .maxAttempts(1);
    Stage sync = new Stage("data_storage_sync", "Data storage sync", 1);
    Stage regroup = new Stage("regroup_events", "Regroup events", 1);
    job.stages().add(sync);
    job.stages().add(regroup);
    job.claim("runner-1", clock.advance(Duration.ofMillis(1500)), clock.instant().plusSeconds(30));
    job.touch(clock.instant());
    sync.start(clock.instant());
    sync.setParam("Total files", 857);
    sync.setParam("Ratio", 0.5);
    sync.setParam("Source", "s3://bucket");
    sync.setParam("Complete", true);
    sync.finish(StageStatus.SUCCEEDED, clock.advance(Duration.ofSeconds(2)));
    regroup.start(clock.instant());
    regroup.setProgress(0.3);
    regroup.setParam("Captures grouped", 1188);
    job.error(new JobError(JobError.HANDLER_ERROR, "boom"));
    job.moveTo(JobStatus.FAILED, clock.advance(Duration.ofMillis(250)));
    job.touch(clock.instant());
    return job;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "1970-01-01T00:00:00.000Z", "2026-11-23T10:00:00.000Z", "2026-11-23T10:00:00.005Z",
      "2026-02-03T04:05:06.050Z", "2026-12-31T23:59:59.999Z", "0099-01-01T00:00:00.500Z"})
  @DisplayName("instants are written in UTC to the millisecond, always with three fraction digits")
  void instants(String text) {
    assertEquals(text, JobJson.instant(Instant.parse(text)));
    assertEquals(text, JobJson.instant(Instant.parse(text).plusNanos(999_999)), "sub-millisecond parts are cut");
  }

  @Test
  @DisplayName("instant formatting agrees with java.time across the calendar (leap years, month ends, eras)")
  void instantsAgreeWithJavaTime() {
    java.util.Random random = new java.util.Random(42);
    long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 100_000; i++) {
      Instant at = Instant.ofEpochMilli(Math.floorMod(random.nextLong(), max));
      assertEquals(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC).format(at), JobJson.instant(at), at.toString());
    }
    assertEquals("2024-02-29T12:00:00.000Z", JobJson.instant(Instant.parse("2024-02-29T12:00:00Z")));
    assertEquals("2100-03-01T00:00:00.000Z", JobJson.instant(Instant.parse("2100-03-01T00:00:00Z")));
  }
}
