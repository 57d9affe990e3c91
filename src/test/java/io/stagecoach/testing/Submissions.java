package io.stagecoach.testing;

import io.vertx.core.json.JsonObject;

/** Test data builders for submissions: {@code aJob("demo.sleep").input("ms", 100).withLock("k", "wait").json()}. */
public final class Submissions {
  private final JsonObject json;

  private Submissions(String type) {
    json = new JsonObject().put("type", type).put("input", new JsonObject());
  }

  public static Submissions aJob(String type) {
    return new Submissions(type);
  }

  public Submissions input(String field, Object value) {
    json.getJsonObject("input").put(field, value);
    return this;
  }

  public Submissions priority(int priority) {
    json.put("priority", priority);
    return this;
  }

  public Submissions delayMs(long delay) {
    json.put("delayMs", delay);
    return this;
  }

  public Submissions maxAttempts(int attempts) {
    json.put("maxAttempts", attempts);
    return this;
  }

  public Submissions timeoutMs(long timeout) {
    json.put("timeoutMs", timeout);
    return this;
  }

  public Submissions withLock(String key, String onBusy) {
    json.put("lock", new JsonObject().put("key", key).put("onBusy", onBusy));
    return this;
  }

  public Submissions idempotencyKey(String key) {
    json.put("idempotencyKey", key);
    return this;
  }

  public Submissions label(String name, String value) {
    json.put("labels", json.getJsonObject("labels", new JsonObject()).put(name, value));
    return this;
  }

  public JsonObject json() {
    return json.copy();
  }
}
