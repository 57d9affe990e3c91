package io.stagecoach.job;

import io.vertx.core.json.JsonObject;

/** Why an attempt failed: a stable code ({@code timeout}, {@code lock_busy}, …) and a message. */
public record JobError(String code, String message) {
  public static final String HANDLER_ERROR = "handler_error";
  public static final String TIMEOUT = "timeout";
  public static final String LOCK_BUSY = "lock_busy";
  public static final String LOCK_LOST = "lock_lost";
  public static final String LEASE_EXPIRED = "lease_expired";
  public static final String NO_WORKER = "no_worker";

  public JsonObject toJson() {
    return new JsonObject().put("code", code).put("message", message);
  }
}
