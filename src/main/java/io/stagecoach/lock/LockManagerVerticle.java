package io.stagecoach.lock;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.RequestReply;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Serves the lock backend on the event bus and announces every release on
 * {@link Addresses#LOCKS_RELEASED}, so that jobs waiting for a key start without polling.
 */
public final class LockManagerVerticle extends VerticleBase {
  private final LockBackend backend;

  public LockManagerVerticle(LockBackend backend) {
    this.backend = backend;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    return Future.all(List.of(
        serve(bus, Addresses.LOCKS_ACQUIRE, this::acquire),
        serve(bus, Addresses.LOCKS_RENEW, this::renew),
        serve(bus, Addresses.LOCKS_RELEASE, this::release),
        serve(bus, Addresses.LOCKS_FORCE_RELEASE, this::forceRelease),
        serve(bus, Addresses.LOCKS_LIST, body -> list()),
        serve(bus, Addresses.LOCKS_PING, body -> backend.ping().map(v -> new JsonObject())),
        backend.listenForReleases(key -> announce(key, true))));
  }

  @Override
  public Future<?> stop() {
    return backend.close();
  }

  private static Future<Void> serve(EventBus bus, String address, Function<JsonObject, Future<JsonObject>> handler) {
    return RequestReply.serve(bus, address, handler).completion();
  }

  private Future<JsonObject> acquire(JsonObject body) {
    return backend.acquire(key(body), body.getString("holder", "unknown"), ttl(body)).map(LockResult::toJson);
  }

  private Future<JsonObject> renew(JsonObject body) {
    return backend.renew(key(body), body.getString("token"), ttl(body))
        .map(ok -> new JsonObject().put("renewed", ok));
  }

  private Future<JsonObject> release(JsonObject body) {
    String key = key(body);
    return backend.release(key, body.getString("token")).map(ok -> announce(key, ok));
  }

  private Future<JsonObject> forceRelease(JsonObject body) {
    String key = key(body);
    return backend.forceRelease(key).map(ok -> announce(key, ok));
  }

  private Future<JsonObject> list() {
    return backend.list().map(locks -> {
      JsonArray items = new JsonArray();
      locks.forEach(lock -> items.add(lock.toJson()));
      return new JsonObject().put("items", items).putNull("nextCursor");
    });
  }

  private JsonObject announce(String key, boolean released) {
    if (released) {
      vertx.eventBus().publish(Addresses.LOCKS_RELEASED, new JsonObject().put("key", key));
    }
    return new JsonObject().put("released", released);
  }

  private static String key(JsonObject body) {
    String key = body.getString("key");
    if (key == null || key.isEmpty()) {
      throw StagecoachException.invalidInput("key", "is required");
    }
    return key;
  }

  private static Duration ttl(JsonObject body) {
    return Duration.ofMillis(body.getLong("ttlMs", 30_000L));
  }
}
