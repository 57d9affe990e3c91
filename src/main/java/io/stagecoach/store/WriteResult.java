package io.stagecoach.store;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import java.util.List;

/** What became of one {@link JobWrite}: the job as stored and the events the write announced, or why it was refused. */
public record WriteResult(Job job, List<Event> events, RuntimeException refusal) {

  public static WriteResult written(Job job, List<Event> events) {
    return new WriteResult(job, events, null);
  }

  public static WriteResult refused(RuntimeException why) {
    return new WriteResult(null, List.of(), why);
  }
}
