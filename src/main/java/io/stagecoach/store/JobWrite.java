package io.stagecoach.store;

import io.stagecoach.job.LogLine;
import java.util.List;

/** One job's change, the log lines written with it and the events it announces, as {@link JobStore#writeAll} takes them. */
public record JobWrite(String id, JobMutation mutation, List<LogLine> logs, Announcer announcer) {

  public JobWrite(String id, JobMutation mutation, List<LogLine> logs) {
    this(id, mutation, logs, Announcer.NONE);
  }
}
