package io.stagecoach.store.pg;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import io.stagecoach.job.LogLine;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What one {@link JobQueries#WRITE_BATCH} stores: jobs written back, log lines, outbox events, a wake-up. */
final class WriteBatch {
  private final int logCap;
  private final List<Job> jobs = new ArrayList<>();
  private final List<UUID> lineJobs = new ArrayList<>();
  private final List<OffsetDateTime> lineAts = new ArrayList<>();
  private final List<String> lineLevels = new ArrayList<>();
  private final List<String> lineStages = new ArrayList<>();
  private final List<String> lineMessages = new ArrayList<>();
  private final List<Event> events = new ArrayList<>();
  private String wakePayload;

  WriteBatch(int logCap) {
    this.logCap = logCap;
  }

  void update(Job job) {
    jobs.add(job);
  }

  int updates() {
    return jobs.size();
  }

  void log(UUID jobId, List<LogLine> lines) {
    for (LogLine line : lines) {
      lineJobs.add(jobId);
      lineAts.add(JobRows.timestamp(line.at()));
      lineLevels.add(line.level() == null ? null : line.level().wire());
      lineStages.add(line.stage());
      lineMessages.add(line.message());
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
    return params.addValue(wakePayload);
  }
}
