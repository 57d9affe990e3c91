package io.stagecoach.ops;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One mutation made through the REST API (SPEC §8).
 *
 * @param actor the caller's token subject
 * @param tenant the tenant of what was changed (the caller's own when nothing names one)
 * @param action what was done, such as {@code job.cancel} or {@code webhook.create}
 * @param target what it was done to: a job, webhook, delivery or alert id, or a lock key; null for a batch
 * @param before the relevant state before, where it applies (null otherwise)
 * @param after the relevant state after, where it applies (null otherwise)
 */
public record AuditEntry(String id, Instant at, String actor, String tenant, String action, String target,
    JsonObject before, JsonObject after) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("at", JobJson.instant(at))
        .put("actor", actor)
        .put("tenant", tenant)
        .put("action", action)
        .put("target", target)
        .put("before", before)
        .put("after", after);
  }
}
