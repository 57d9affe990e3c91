package io.stagecoach.bus;

import io.stagecoach.job.Job;
import io.stagecoach.job.JobIds;
import io.stagecoach.job.JobJson;
import io.stagecoach.metrics.EngineMetrics;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

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
  private final EngineMetrics metrics;

  public JobEvents(EventBus bus, Clock clock, EventInterest interest) {
    this(bus, clock, interest, EngineMetrics.DISCARDED);
  }

  /** Events counted in {@code metrics} as they are published. */
  public JobEvents(EventBus bus, Clock clock, EventInterest interest, EngineMetrics metrics) {
    this.bus = bus;
    this.clock = clock;
    this.interest = interest;
    this.metrics = metrics;
    EventCodec.register(bus);
  }

  /** An event about {@code job} as it is now (a copy is kept: the caller may change its job later). */
  public Event of(EventType type, Job job) {
    Job snapshot = job.copy();
    return make(type, job.tenant(), job.id(), () -> JobJson.toJson(snapshot));
  }

  /** An event about a job with {@code data} of its own, such as the job plus the stage a stage event is about. */
  public Event of(EventType type, Job job, JsonObject data) {
    return make(type, job.tenant(), job.id(), () -> data);
  }

  /** An event about no job, such as {@code alert.raised}. */
  public Event of(EventType type, String tenant, JsonObject data) {
    return make(type, tenant, null, () -> data);
  }

  private Event make(EventType type, String tenant, String jobId, Supplier<JsonObject> data) {
    return new Event(JobIds.random(), type, tenant, jobId, clock.instant(), data, interest.wants(tenant, type));
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
    metrics.published(event.type());
    // The event itself travels: a consumer's copy of the message makes the envelope (EventCodec).
    bus.publish(Addresses.EVENTS, event, SHARED);
    bus.publish(Addresses.eventsOfType(event.type()), event, SHARED);
    if (event.jobId() != null) {
      bus.publish(Addresses.jobEvents(event.jobId()), event, SHARED);
    }
  }
}
