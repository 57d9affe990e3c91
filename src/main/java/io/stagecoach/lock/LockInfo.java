package io.stagecoach.lock;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A held lock as {@code GET /locks} shows it; the owner's token is never shown. */
public record LockInfo(String key, String holder, long fencingToken, Instant expiresAt) {

  public JsonObject toJson() {
    return new JsonObject().put("key", key).put("holder", holder)
        .put("fencingToken", fencingToken).put("expiresAt", expiresAt.toString());
  }
}
