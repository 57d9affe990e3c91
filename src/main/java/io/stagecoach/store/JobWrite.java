package io.stagecoach.store;

import io.stagecoach.job.LogLine;
import java.util.List;

/** One job's change and the log lines written with it, as {@link JobStore#writeAll} takes them. */
public record JobWrite(String id, JobMutation mutation, List<LogLine> logs) {
}
