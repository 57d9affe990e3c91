package io.stagecoach.bus;

/** The event types of SPEC §6. */
public enum EventType {
  JOB_QUEUED("job.queued"),
  JOB_STARTED("job.started"),
  JOB_PROGRESS("job.progress"),
  JOB_STAGE_STARTED("job.stage.started"),
  JOB_STAGE_FINISHED("job.stage.finished"),
  JOB_RETRYING("job.retrying"),
  JOB_SUCCEEDED("job.succeeded"),
  JOB_FAILED("job.failed"),
  JOB_CANCELLED("job.cancelled"),
  ALERT_RAISED("alert.raised");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }
}
