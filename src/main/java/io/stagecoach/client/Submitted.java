package io.stagecoach.client;

import io.vertx.core.json.JsonObject;

/** A submitted job's record, and whether the submission created it (false: an idempotent replay). */
public record Submitted(JsonObject job, boolean created) {

  public String id() {
    return job.getString("id");
  }
}
