package io.stagecoach.testing;

import io.stagecoach.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every event published on {@code stagecoach.events}, from before the first submission on. */
public final class EventLog {
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  private EventLog() {
  }

  /** Completes once the log is listening. */
  public static Future<EventLog> listen(Vertx vertx) {
    EventLog log = new EventLog();
    return vertx.eventBus().<JsonObject>consumer(Addresses.EVENTS, m -> log.events.add(m.body()))
        .completion().map(log);
  }

  /** The events of one job, in order. */
  public List<JsonObject> of(String jobId) {
    return events.stream().filter(e -> jobId.equals(e.getJsonObject("data").getString("id"))).toList();
  }

  public List<String> typesOf(String jobId) {
    return of(jobId).stream().map(e -> e.getString("type")).toList();
  }

  /** Completes once the job has had an event of {@code type}. */
  public Future<List<String>> awaitType(Vertx vertx, String jobId, String type) {
    return Await.until(vertx, () -> Future.succeededFuture(typesOf(jobId)), types -> types.contains(type));
  }
}
