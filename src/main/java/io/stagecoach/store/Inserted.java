package io.stagecoach.store;

import io.stagecoach.bus.Event;
import io.stagecoach.job.Job;
import java.util.List;

/**
 * The job a submission led to: new ({@code created}), with the events its insert announced, or an
 * idempotent replay of an existing one (which announces nothing).
 */
public record Inserted(Job job, boolean created, List<Event> events) {

  public static Inserted created(Job job, List<Event> events) {
    return new Inserted(job, true, events);
  }

  public static Inserted replayed(Job job) {
    return new Inserted(job, false, List.of());
  }
}
