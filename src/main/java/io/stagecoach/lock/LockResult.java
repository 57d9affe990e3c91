package io.stagecoach.lock;

import io.vertx.core.json.JsonObject;

/**
 * The answer to an acquire: granted with the owner's secret {@code token} and a
 * {@code fencingToken} that grows with every grant of the key, or busy with who holds it.
 */
public record LockResult(boolean granted, String token, long fencingToken, String holder) {

  public static LockResult granted(String token, long fencingToken) {
    return new LockResult(true, token, fencingToken, null);
  }

  public static LockResult busy(String holder) {
    return new LockResult(false, null, 0, holder);
  }

  public JsonObject toJson() {
    return new JsonObject().put("granted", granted).put("token", token)
        .put("fencingToken", fencingToken).put("holder", holder);
  }

  public static LockResult fromJson(JsonObject json) {
    return new LockResult(json.getBoolean("granted"), json.getString("token"),
        json.getLong("fencingToken", 0L), json.getString("holder"));
  }
}
