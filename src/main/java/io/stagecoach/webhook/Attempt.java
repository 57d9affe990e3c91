package io.stagecoach.webhook;

import io.stagecoach.job.JobJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One try at a delivery.
 *
 * @param number 1 for the first attempt of a delivery
 * @param statusCode the receiver's HTTP status; null when no response came (refused, timed out, SSRF guard)
 * @param error why the attempt failed; null on a 2xx
 * @param address the {@code ip:port} connected to; null when none was
 * @param response the start of the response body, at most {@link #MAX_RESPONSE_CHARS} characters
 */
public record Attempt(int number, Instant at, Integer statusCode, long latencyMs, String error, String address,
    String response) {
  /** How much of a response body the log keeps. */
  public static final int MAX_RESPONSE_CHARS = 1024;

  public boolean succeeded() {
    return statusCode != null && statusCode >= 200 && statusCode < 300;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("attempt", number)
        .put("at", JobJson.instant(at))
        .put("statusCode", statusCode)
        .put("latencyMs", latencyMs)
        .put("error", error)
        .put("address", address)
        .put("response", response);
  }
}
