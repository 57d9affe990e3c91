package io.stagecoach.store.pg;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import io.stagecoach.job.LogLine;
import io.stagecoach.job.NulCharacters;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What one {@link JobQueries#WRITE_BATCH} stores: jobs written back, log lines, outbox events, a wake-up. */
final class WriteBatch {
  private final int logCap;
  private final boolean optimistic;
  private final List<Job> jobs = new ArrayList<>();
  private final List<Long> expectedVersions = new ArrayList<>();
  private final List<UUID> lineJobs = new ArrayList<>();
  private final List<OffsetDateTime> lineAts = new ArrayList<>();
  private final List<String> lineLevels = new ArrayList<>();
  private final List<String> lineStages = new ArrayList<>();
  private final List<String> lineMessages = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private String wakePayload;

  /** A batch of writes to locked rows. */
  WriteBatch(int logCap) {
    this(logCap, false);
  }

  /**
   * {@code optimistic}: the rows are not locked; each job is written only if its version is the one
   * {@link #update(Job, long)} expects, and its log lines and events only with it.
   */
  WriteBatch(int logCap, boolean optimistic) {
    this.logCap = logCap;
    this.optimistic = optimistic;
  }

  void update(Job job) {
    jobs.add(job);
    expectedVersions.add(null);
  }

  void update(Job job, long expectedVersion) {
    jobs.add(job);
    expectedVersions.add(expectedVersion);
  }

  int updates() {
    return jobs.size();
  }

  void log(UUID jobId, List<LogLine> lines) {
    for (LogLine line : lines) {
      lineJobs.add(jobId);
      lineAts.add(JobRows.timestamp(line.at()));
      lineLevels.add(line.level() == null ? null : line.level().wire());
      lineStages.add(NulCharacters.replaced(line.stage()));
      lineMessages.add(NulCharacters.replaced(line.message()));
    }
  }

  /** The subscribed ones go to the outbox. */
  void record(List<Event> announced) {
    events.addAll(announced);
  }

  /** Notifies other processes' runners; their store ignores its own {@code storeId}. */
  void wake(String storeId) {
    wakePayload = storeId;
  }

  boolean isEmpty() {
    return jobs.isEmpty() && lineJobs.isEmpty() && events.stream().noneMatch(Event::subscribed) && wakePayload == null;
  }

  Tuple params() {
    Tuple params = JobRows.writeBatchParams(jobs)
        .addValue(lineJobs.toArray(UUID[]::new))
        .addValue(lineAts.toArray(OffsetDateTime[]::new))
        .addValue(lineLevels.toArray(String[]::new))
        .addValue(lineStages.toArray(String[]::new))
        .addValue(lineMessages.toArray(String[]::new))
        .addValue((long) logCap);
    for (Object column : OutboxRows.columns(events)) {
      params.addValue(column);
    }
    return params.addValue(wakePayload)
        .addValue(expectedVersions.toArray(Long[]::new))
        .addValue(optimistic);
  }
}
