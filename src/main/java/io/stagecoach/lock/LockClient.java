package io.stagecoach.lock;

import io.stagecoach.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** The runner's view of the lock manager: the same operations, over the event bus. */
public final class LockClient {
  private final EventBus bus;

  public LockClient(EventBus bus) {
    this.bus = bus;
  }

  public Future<LockResult> acquire(String key, String holder, Duration ttl) {
    return request(Addresses.LOCKS_ACQUIRE, new JsonObject().put("key", key).put("holder", holder).put("ttlMs", ttl.toMillis()))
        .map(LockResult::fromJson);
  }

  public Future<Boolean> renew(String key, String token, Duration ttl) {
    return request(Addresses.LOCKS_RENEW, new JsonObject().put("key", key).put("token", token).put("ttlMs", ttl.toMillis()))
        .map(reply -> reply.getBoolean("renewed"));
  }

  public Future<Boolean> release(String key, String token) {
    return request(Addresses.LOCKS_RELEASE, new JsonObject().put("key", key).put("token", token))
        .map(reply -> reply.getBoolean("released"));
  }

  private Future<JsonObject> request(String address, JsonObject body) {
    return bus.<JsonObject>request(address, body).map(message -> message.body());
  }
}
