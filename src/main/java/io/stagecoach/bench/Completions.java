package io.stagecoach.bench;

import io.stagecoach.bus.Addresses;
import io.stagecoach.bus.EventType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Learns of finished jobs from the engine's events, as any subscriber would: no polling. */
final class Completions {
  private final Map<String, Promise<Void>> waiting = new ConcurrentHashMap<>();
  /** Jobs that succeeded before anyone asked (their submission's answer came after the event). */
  private final Set<String> early = ConcurrentHashMap.newKeySet();
  private final boolean trackIds;
  private final MessageConsumer<JsonObject> consumer;
  private long succeeded;
  private long target = Long.MAX_VALUE;
  private Promise<Void> reached;

  private Completions(Vertx vertx, boolean trackIds) {
    this.trackIds = trackIds;
    // The one type it needs, as a subscriber would: consuming every event would make every envelope.
    consumer = vertx.eventBus().consumer(Addresses.eventsOfType(EventType.JOB_SUCCEEDED),
        m -> onSucceeded(m.body().getJsonObject("data").getString("id")));
  }

  /** Listens; with {@code trackIds}, {@link #succeeded} can be asked after the job has already ended. */
  static Future<Completions> listen(Vertx vertx, boolean trackIds) {
    Completions completions = new Completions(vertx, trackIds);
    return completions.consumer.completion().map(completions);
  }

  private void onSucceeded(String id) {
    succeeded++;
    Promise<Void> promise = waiting.remove(id);
    if (promise != null) {
      promise.complete();
    } else if (trackIds) {
      early.add(id);
    }
    if (succeeded >= target && reached != null) {
      reached.tryComplete();
    }
  }

  /** Completes when the job with this id has succeeded (at once if it already has and ids are tracked). */
  Future<Void> succeeded(String id) {
    if (early.remove(id)) {
      return Future.succeededFuture();
    }
    return waiting.computeIfAbsent(id, k -> Promise.promise()).future();
  }

  /** Completes once {@code count} jobs have succeeded since listening began. Call on the listener's context. */
  Future<Void> count(long count) {
    target = count;
    reached = Promise.promise();
    if (succeeded >= count) {
      reached.complete();
    }
    return reached.future();
  }

  Future<Void> close() {
    return consumer.unregister();
  }
}
