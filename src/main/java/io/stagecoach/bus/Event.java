package io.stagecoach.bus;

import io.vertx.core.json.JsonObject;

/**
 * One event in the envelope webhooks carry, {@code {id, type, timestamp, tenant, data}}, and
 * whether a webhook subscription wants it ({@code subscribed}): a store records a subscribed
 * event in its outbox in the same transaction as the change it announces, and the webhook
 * dispatcher delivers it from there. Every event, subscribed or not, is published on the bus
 * once that change is stored.
 */
public final class Event {
  private final String id;
  private final EventType type;
  private final String tenant;
  private final String jobId;
  private final JsonObject envelope;
  private final boolean subscribed;
  private String body;

  Event(String id, EventType type, String tenant, String jobId, JsonObject envelope, boolean subscribed) {
    this.id = id;
    this.type = type;
    this.tenant = tenant;
    this.jobId = jobId;
    this.envelope = envelope;
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
  public JsonObject envelope() {
    return envelope;
  }

  public boolean subscribed() {
    return subscribed;
  }

  /** The envelope as JSON text, serialised once: the body of every delivery, byte for byte. */
  public synchronized String body() {
    if (body == null) {
      body = envelope.encode();
    }
    return body;
  }
}
