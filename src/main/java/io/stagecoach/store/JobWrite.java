package io.stagecoach.store;

import io.stagecoach.job.Job;
import io.stagecoach.job.LogLine;
import java.util.List;

/**
 * One job's change, the log lines written with it and the events it announces, as
 * {@link JobStore#writeAll} takes them. {@code expected}, when not null, is the record as the writer
 * last had it from the store: a store may apply the mutation to it without reading the row, and
 * write the result only if the record's version is still that one (otherwise it reads and applies
 * as usual). The result is the same either way.
 */
public record JobWrite(String id, JobMutation mutation, List<LogLine> logs, Announcer announcer, Job expected) {

  public JobWrite(String id, JobMutation mutation, List<LogLine> logs) {
    this(id, mutation, logs, Announcer.NONE, null);
  }

  public JobWrite(String id, JobMutation mutation, List<LogLine> logs, Announcer announcer) {
    this(id, mutation, logs, announcer, null);
  }

  /** This write, with the record the writer believes is stored (see the class comment). */
  public JobWrite expecting(Job stored) {
    return new JobWrite(id, mutation, logs, announcer, stored);
  }
}
