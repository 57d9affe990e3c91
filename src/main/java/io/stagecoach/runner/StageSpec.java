package io.stagecoach.runner;

import io.stagecoach.job.Slug;
import io.vertx.core.json.JsonObject;

/**
 * A stage a job type declares up front, so a queued job already shows what it will do.
 * {@code weight} is its share of the job's progress (all 1 by default: a plain mean).
 */
public record StageSpec(String key, String name, double weight) {

  public StageSpec {
    if (!(weight > 0)) {
      throw new IllegalArgumentException("stage weight must be positive");
    }
  }

  /** A stage of weight 1 whose key is the slug of its name. */
  public static StageSpec of(String name) {
    return new StageSpec(Slug.of(name), name, 1.0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("name", name).put("weight", weight);
  }

  public static StageSpec fromJson(JsonObject json) {
    return new StageSpec(json.getString("key"), json.getString("name"), json.getDouble("weight", 1.0));
  }
}
