package io.stagecoach.bus;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.job.JobStatus;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Clock;

/**
 * Publishes job events on {@link Addresses#EVENTS} and the job's own address, in the envelope
 * webhooks carry: {@code {id, type, timestamp, tenant, data}}. Consumers share one envelope per
 * event ({@link EventCodec}): read it, never change it.
 */
public final class JobEvents {
  private final EventBus bus;
  private final Clock clock;

  private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(EventCodec.NAME);

  public JobEvents(EventBus bus, Clock clock) {
    this.bus = bus;
    this.clock = clock;
    EventCodec.register(bus);
  }

  public void publish(EventType type, Job job) {
    publish(type, job, JobJson.toJson(job));
  }

  /** Publishes with extra fields in {@code data}, such as the stage a stage event is about. */
  public void publish(EventType type, Job job, JsonObject data) {
    JsonObject envelope = new JsonObject()
        .put("id", JobIds.random())
        .put("type", type.wire())
        .put("timestamp", JobJson.instant(clock.instant()))
        .put("tenant", job.tenant())
        .put("data", data);
    bus.publish(Addresses.EVENTS, envelope, SHARED);
    bus.publish(Addresses.jobEvents(job.id()), envelope, SHARED);
  }

  /** The event that announces a job reached {@code status}, or null for a status with none. */
  public static EventType forStatus(JobStatus status) {
    return switch (status) {
      case QUEUED -> EventType.JOB_QUEUED;
      case RUNNING -> EventType.JOB_STARTED;
      case SUCCEEDED -> EventType.JOB_SUCCEEDED;
      case FAILED -> EventType.JOB_FAILED;
      case CANCELLED -> EventType.JOB_CANCELLED;
      case CANCELLING -> EventType.JOB_PROGRESS;
    };
  }
}
