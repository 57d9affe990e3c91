package io.stagecoach.webhook;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * One event on its way to one endpoint. The body is the event envelope serialised once, at
 * enqueue, and sent byte for byte on every attempt; {@code eventId} is the {@code webhook-id} of
 * every attempt, and of every redelivery.
 *
 * @param attempts how many attempts were made
 * @param log the attempts, oldest first (empty where a store call does not load them)
 */
public record Delivery(String id, String webhookId, String tenant, String eventId, String eventType, String body,
    DeliveryStatus status, int attempts, Instant nextAttemptAt, Instant createdAt, Instant finishedAt,
    List<Attempt> log) {

  public Delivery {
    log = List.copyOf(log);
  }

  /** A new pending delivery, due at {@code dueAt}. */
  public static Delivery pending(String id, Subscription to, String eventId, String eventType, String body,
      Instant now, Instant dueAt) {
    return new Delivery(id, to.id(), to.tenant(), eventId, eventType, body, DeliveryStatus.PENDING, 0, dueAt, now, null,
        List.of());
  }

  public Delivery withLog(List<Attempt> attemptLog) {
    return new Delivery(id, webhookId, tenant, eventId, eventType, body, status, attempts, nextAttemptAt, createdAt,
        finishedAt, attemptLog);
  }

  /** The API's view: the attempt log, not the body. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("webhookId", webhookId)
        .put("eventId", eventId)
        .put("eventType", eventType)
        .put("status", status.wire())
        .put("attemptCount", attempts)
        .put("nextAttemptAt", status == DeliveryStatus.PENDING && nextAttemptAt != null ? JobJson.instant(nextAttemptAt) : null)
        .put("createdAt", JobJson.instant(createdAt))
        .put("finishedAt", finishedAt == null ? null : JobJson.instant(finishedAt))
        .put("attempts", new JsonArray(log.stream().map(Attempt::toJson).toList()));
  }
}
