package io.stagecoach.store;

import io.stagecoach.bus.Event;

/**
 * An event waiting in the outbox for the webhook dispatcher to turn it into deliveries.
 * {@code seq} orders the outbox; {@code body} is the envelope as delivered, byte for byte.
 */
public record OutboxEntry(long seq, String eventId, String tenant, String type, String jobId, String body) {

  public static OutboxEntry of(long seq, Event event) {
    return new OutboxEntry(seq, event.id(), event.tenant(), event.type().wire(), event.jobId(), event.body());
  }
}
