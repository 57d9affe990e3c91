package io.stagecoach.store.pg;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.JobStatus;
import io.stagecoach.job.LogLevel;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.Param;
import io.stagecoach.job.Stage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Maps jobs to statement parameters and rows back to jobs. Instants are kept to the millisecond. */
final class JobRows {
  private JobRows() {
  }

  /** Parameters of {@link JobQueries#INSERT_MANY}: one array per column, jsonb values as text. */
  static Tuple insertManyParams(List<Job> jobs) {
    Columns c = new Columns(jobs);
    return Tuple.of(c.ids, c.types, c.tenants, c.statuses, c.priorities, c.inputs, c.results, c.errors, c.attempts,
            c.maxAttempts)
        .addValue(c.timeouts).addValue(c.locks).addValue(c.idempotencyKeys).addValue(c.fingerprints)
        .addValue(c.labels).addValue(c.createdAts).addValue(c.runAts).addValue(c.startedAts).addValue(c.finishedAts)
        .addValue(c.updatedAts).addValue(c.versions).addValue(c.stages).addValue(c.leaseOwners).addValue(c.leaseEnds);
  }

  /** The jobs of {@link JobQueries#WRITE_BATCH} ($1-$21): one array per column, jsonb values as text. */
  static Tuple writeBatchParams(List<Job> jobs) {
    Columns c = new Columns(jobs);
    return Tuple.of(c.ids, c.statuses, c.priorities, c.inputs, c.results, c.errors, c.attempts, c.maxAttempts,
            c.timeouts, c.locks)
        .addValue(c.idempotencyKeys).addValue(c.fingerprints).addValue(c.labels).addValue(c.runAts)
        .addValue(c.startedAts).addValue(c.finishedAts).addValue(c.updatedAts).addValue(c.versions).addValue(c.stages)
        .addValue(c.leaseOwners).addValue(c.leaseEnds);
  }

  /** Every column of many jobs, one array each, as the statements over {@code unnest} take them. */
  private static final class Columns {
    final UUID[] ids;
    final String[] types;
    final String[] tenants;
    final String[] statuses;
    final Integer[] priorities;
    final String[] inputs;
    final String[] results;
    final String[] errors;
    final Integer[] attempts;
    final Integer[] maxAttempts;
    final Long[] timeouts;
    final String[] locks;
    final String[] idempotencyKeys;
    final String[] fingerprints;
    final String[] labels;
    final OffsetDateTime[] createdAts;
    final OffsetDateTime[] runAts;
    final OffsetDateTime[] startedAts;
    final OffsetDateTime[] finishedAts;
    final OffsetDateTime[] updatedAts;
    final Long[] versions;
    final String[] stages;
    final String[] leaseOwners;
    final OffsetDateTime[] leaseEnds;

    Columns(List<Job> jobs) {
      int n = jobs.size();
      ids = new UUID[n];
      types = new String[n];
      tenants = new String[n];
      statuses = new String[n];
      priorities = new Integer[n];
      inputs = new String[n];
      results = new String[n];
      errors = new String[n];
      attempts = new Integer[n];
      maxAttempts = new Integer[n];
      timeouts = new Long[n];
      locks = new String[n];
      idempotencyKeys = new String[n];
      fingerprints = new String[n];
      labels = new String[n];
      createdAts = new OffsetDateTime[n];
      runAts = new OffsetDateTime[n];
      startedAts = new OffsetDateTime[n];
      finishedAts = new OffsetDateTime[n];
      updatedAts = new OffsetDateTime[n];
      versions = new Long[n];
      stages = new String[n];
      leaseOwners = new String[n];
      leaseEnds = new OffsetDateTime[n];
      for (int i = 0; i < n; i++) {
        Job job = jobs.get(i);
        ids[i] = UUID.fromString(job.id());
        types[i] = job.type();
        tenants[i] = job.tenant();
        statuses[i] = job.status().wire();
        priorities[i] = job.priority();
        inputs[i] = PgText.json(job.input());
        results[i] = PgText.json(job.result());
        errors[i] = job.error() == null ? null : PgText.json(job.error().toJson());
        attempts[i] = job.attempt();
        maxAttempts[i] = job.maxAttempts();
        timeouts[i] = job.timeoutMs();
        locks[i] = job.lock() == null ? null : PgText.json(job.lock().toJson());
        idempotencyKeys[i] = job.idempotencyKey();
        fingerprints[i] = job.fingerprint();
        labels[i] = PgText.json(JobRows.labels(job.labels()));
        createdAts[i] = timestamp(job.createdAt());
        runAts[i] = timestamp(job.runAt());
        startedAts[i] = timestamp(job.startedAt());
        finishedAts[i] = timestamp(job.finishedAt());
        updatedAts[i] = timestamp(job.updatedAt());
        versions[i] = job.version();
        stages[i] = PgText.json(JobRows.stages(job));
        leaseOwners[i] = job.leaseOwner();
        leaseEnds[i] = timestamp(job.leaseExpiresAt());
      }
    }
  }

  /**
   * A fresh job from a row, field by field: going through the record's JSON (formatting and
   * re-parsing every timestamp) was a fifth of the event loops' time in a PostgreSQL drain.
   */
  static Job toJob(Row row) {
    Job job = new Job(row.getUUID("id").toString(), row.getString("type"), row.getString("tenant"),
        instant(row, "created_at"))
        .priority(row.getInteger("priority"))
        .input((JsonObject) json(row, "input"))
        .result((JsonObject) json(row, "result"))
        .error(JobJson.errorFromJson((JsonObject) json(row, "error")))
        .maxAttempts(row.getInteger("max_attempts"))
        .timeoutMs(row.getLong("timeout_ms"))
        .lock(JobJson.lockFromJson((JsonObject) json(row, "lock_spec")))
        .idempotencyKey(row.getString("idempotency_key"))
        .fingerprint(row.getString("fingerprint"))
        .labels(JobJson.labelsFromJson((JsonObject) row.getValue("labels")))
        .runAt(instant(row, "run_at"));
    job.stages().addAll(JobJson.stagesFromJson((JsonArray) row.getValue("stages")));
    return job.restore(JobStatus.fromWire(row.getString("status")), row.getInteger("attempt"),
        instant(row, "started_at"), instant(row, "finished_at"), instant(row, "updated_at"),
        row.getLong("version"), row.getString("lease_owner"), instant(row, "lease_expires_at"));
  }

  static LogLine toLogLine(Row row) {
    String level = row.getString("level");
    return new LogLine(row.getLong("seq"), instant(row, "at"),
        level == null ? LogLevel.INFO : LogLevel.fromWire(level), row.getString("stage"), row.getString("message"));
  }

  /**
   * Stages as stored: the record's stage JSON plus what it leaves out (weight) and progress unrounded,
   * in the shape {@link JobJson#fromJson} reads back.
   */
  static JsonArray stages(Job job) {
    JsonArray stages = new JsonArray();
    for (Stage stage : job.stages()) {
      JsonArray params = new JsonArray();
      for (Param param : stage.params()) {
        params.add(new JsonObject().put("key", param.key()).put("name", param.name()).put("value", param.value()));
      }
      stages.add(new JsonObject()
          .put("key", stage.key())
          .put("name", stage.name())
          .put("weight", stage.weight())
          .put("status", stage.status().wire())
          .put("progress", stage.progress())
          .put("startedAt", JobJson.instant(stage.startedAt()))
          .put("finishedAt", JobJson.instant(stage.finishedAt()))
          .put("params", params));
    }
    return stages;
  }

  static JsonObject labels(Map<String, String> labels) {
    return new JsonObject(Map.copyOf(labels));
  }

  /** The instant as PostgreSQL stores it, cut to the millisecond like every engine timestamp. */
  static OffsetDateTime timestamp(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(millis(instant), ZoneOffset.UTC);
  }

  static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  static Instant instant(Row row, String column) {
    OffsetDateTime value = row.getOffsetDateTime(column);
    return value == null ? null : millis(value.toInstant());
  }

  /** A jsonb column's value: SQL NULL (and a stored JSON null) read as null. */
  private static Object json(Row row, String column) {
    Object value = row.getValue(column);
    return value == Tuple.JSON_NULL ? null : value;
  }
}
