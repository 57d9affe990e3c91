package io.stagecoach.bus;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;

/**
 * Makes events and publishes them on {@link Addresses#EVENTS}, their type's address and, for a
 * job's events, the job's own address. An event is made inside the store write that announces it (see
 * {@code store.Announcer}) and published only once that write is stored. Consumers share one
 * envelope per event ({@link EventCodec}): read it, never change it.
 */
public final class JobEvents {
  private static final DeliveryOptions SHARED = new DeliveryOptions().setCodecName(EventCodec.NAME);

  private final EventBus bus;
  private final Clock clock;
  private final EventInterest interest;

  public JobEvents(EventBus bus, Clock clock, EventInterest interest) {
    this.bus = bus;
    this.clock = clock;
    this.interest = interest;
    EventCodec.register(bus);
  }

  /** An event about {@code job} as it is now. */
  public Event of(EventType type, Job job) {
    return of(type, job, JobJson.toJson(job));
  }

  /** An event about a job with {@code data} of its own, such as the job plus the stage a stage event is about. */
  public Event of(EventType type, Job job, JsonObject data) {
    return make(type, job.tenant(), job.id(), data);
  }

  /** An event about no job, such as {@code alert.raised}. */
  public Event of(EventType type, String tenant, JsonObject data) {
    return make(type, tenant, null, data);
  }

  private Event make(EventType type, String tenant, String jobId, JsonObject data) {
    String id = JobIds.random();
    JsonObject envelope = new JsonObject()
        .put("id", id)
        .put("type", type.wire())
        .put("timestamp", JobJson.instant(clock.instant()))
        .put("tenant", tenant)
        .put("data", data);
    return new Event(id, type, tenant, jobId, envelope, interest.wants(tenant, type));
  }

  /** Publishes stored events; if any went to the outbox, wakes the webhook relay once. */
  public void publish(List<Event> events) {
    boolean subscribed = false;
    for (Event event : events) {
      send(event);
      subscribed |= event.subscribed();
    }
    if (subscribed) {
      bus.publish(Addresses.OUTBOX_WAKE, null);
    }
  }

  public void publish(Event event) {
    publish(List.of(event));
  }

  private void send(Event event) {
    bus.publish(Addresses.EVENTS, event.envelope(), SHARED);
    bus.publish(Addresses.eventsOfType(event.type()), event.envelope(), SHARED);
    if (event.jobId() != null) {
      bus.publish(Addresses.jobEvents(event.jobId()), event.envelope(), SHARED);
    }
  }
}
