package io.stagecoach.bus;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One event in the envelope webhooks carry, {@code {id, type, timestamp, tenant, data}}, and
 * whether a webhook subscription wants it ({@code subscribed}): a store records a subscribed
 * event in its outbox in the same transaction as the change it announces, and the webhook
 * dispatcher delivers it from there. Every event, subscribed or not, is published on the bus
 * once that change is stored.
 *
 * <p>The envelope is made when first read: an event nobody consumes (most {@code job.queued} and
 * {@code job.started} events, unless a watcher or subscription wants them) never turns its job
 * into JSON, which was the largest cost per job in a drain profile.
 */
public final class Event {
  private final String id;
  private final EventType type;
  private final String tenant;
  private final String jobId;
  private final Instant timestamp;
  private final boolean subscribed;
  private Supplier<JsonObject> data;
  private JsonObject envelope;
  private String body;

  /** {@code data} is called at most once, on any thread: it must read only what nobody changes. */
  Event(String id, EventType type, String tenant, String jobId, Instant timestamp, Supplier<JsonObject> data,
      boolean subscribed) {
    this.id = id;
    this.type = type;
    this.tenant = tenant;
    this.jobId = jobId;
    this.timestamp = timestamp;
    this.data = data;
    this.subscribed = subscribed;
  }

  /** The event id: the {@code webhook-id} of its deliveries. */
  public String id() {
    return id;
  }

  public EventType type() {
    return type;
  }

  public String tenant() {
    return tenant;
  }

  /** The job it is about; null for an event about no job ({@code alert.raised}). */
  public String jobId() {
    return jobId;
  }

  /** The envelope, shared by everyone who reads it: never change it. */
  public synchronized JsonObject envelope() {
    if (envelope == null) {
      envelope = new JsonObject()
          .put("id", id)
          .put("type", type.wire())
          .put("timestamp", JobJson.instant(timestamp))
          .put("tenant", tenant)
          .put("data", data.get());
      data = null;
    }
    return envelope;
  }

  public boolean subscribed() {
    return subscribed;
  }

  /** The envelope as JSON text, serialised once: the body of every delivery, byte for byte. */
  public synchronized String body() {
    if (body == null) {
      body = envelope().encode();
    }
    return body;
  }
}
