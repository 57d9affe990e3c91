package io.stagecoach.ops;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A raised alert (SPEC §8).
 *
 * @param type what happened: {@link #JOB_FAILING}, {@link #JOB_TIMEOUT} or {@link #WEBHOOK_DISABLED}
 * @param subject what it happened to: a job type, a job id, a webhook id
 * @param acknowledgedAt when an admin or operator acknowledged it; null until then
 * @param acknowledgedBy the token subject that acknowledged it; null until then
 */
public record Alert(String id, String tenant, String type, String subject, String message, Instant raisedAt,
    Instant acknowledgedAt, String acknowledgedBy) {
  /** A job type failed {@code alerts.failuresInARow} attempts in a row; the subject is the job type. */
  public static final String JOB_FAILING = "job.failing";
  /** An attempt ran past its {@code timeoutMs}; the subject is the job id. */
  public static final String JOB_TIMEOUT = "job.timeout";
  /** The dispatcher disabled a webhook endpoint; the subject is the webhook id. */
  public static final String WEBHOOK_DISABLED = "webhook.disabled";

  public static Alert raised(String id, String tenant, String type, String subject, String message, Instant at) {
    return new Alert(id, tenant, type, subject, message, at, null, null);
  }

  public boolean isAcknowledged() {
    return acknowledgedAt != null;
  }

  public Alert acknowledge(String by, Instant at) {
    return new Alert(id, tenant, type, subject, message, raisedAt, at, by);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("tenant", tenant)
        .put("type", type)
        .put("subject", subject)
        .put("message", message)
        .put("raisedAt", JobJson.instant(raisedAt))
        .put("acknowledged", isAcknowledged())
        .put("acknowledgedAt", acknowledgedAt == null ? null : JobJson.instant(acknowledgedAt))
        .put("acknowledgedBy", acknowledgedBy);
  }
}
