package io.stagecoach.job;

import io.vertx.core.json.JsonObject;

/** The lock a job names: held from before its handler starts until the job ends. */
public record LockSpec(String key, OnBusy onBusy) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("onBusy", onBusy.wire());
  }
}
