package io.stagecoach.webhook;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A tenant's webhook endpoint. Its secrets never leave the engine after creation and rotation:
 * {@link #toJson()} leaves them out.
 *
 * @param events filters: an exact event type ({@code job.failed}), a prefix wildcard ({@code job.*},
 *     {@code job.stage.*}) or {@code *} for everything
 * @param disabledAt when deliveries stopped (410 Gone, or failing for too long); null while active
 * @param failingSince the first failed attempt since the last success; null while healthy
 * @param previousSecret the secret before the last rotation, still signing until {@code previousSecretExpiresAt}
 */
public record Subscription(String id, String tenant, String url, List<String> events, String description,
    Instant createdAt, Instant disabledAt, String disabledReason, Instant failingSince,
    String secret, String previousSecret, Instant previousSecretExpiresAt) {

  public Subscription {
    events = List.copyOf(events);
  }

  public boolean isDisabled() {
    return disabledAt != null;
  }

  /** Whether an event of {@code type} is for this endpoint. */
  public boolean wants(String type) {
    for (String filter : events) {
      if (filter.equals("*") || filter.equals(type)
          || (filter.endsWith(".*") && type.startsWith(filter.substring(0, filter.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** The secrets that sign a delivery made at {@code now}: the current one, then the previous while it lasts. */
  public List<String> signingSecrets(Instant now) {
    List<String> secrets = new ArrayList<>(2);
    secrets.add(secret);
    if (previousSecret != null && previousSecretExpiresAt != null && now.isBefore(previousSecretExpiresAt)) {
      secrets.add(previousSecret);
    }
    return secrets;
  }

  /** The API's view: no secrets. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant", tenant)
        .put("url", url)
        .put("events", new JsonArray(events))
        .put("description", description)
        .put("createdAt", JobJson.instant(createdAt))
        .put("disabled", isDisabled())
        .put("disabledAt", disabledAt == null ? null : JobJson.instant(disabledAt))
        .put("disabledReason", disabledReason)
        .put("failingSince", failingSince == null ? null : JobJson.instant(failingSince))
        .put("previousSecretExpiresAt", previousSecretExpiresAt == null ? null : JobJson.instant(previousSecretExpiresAt));
  }
}
