package io.stagecoach.bus;

import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/** Serves a request/reply address: a JSON request in, the handler's JSON out, or the contract error. */
public final class RequestReply {
  private RequestReply() {
  }

  /**
   * Consumes {@code address}; a handler that throws or fails is answered with its error (see
   * {@link BusErrors}), and a request that is not a JSON object with {@code invalid_input}.
   */
  public static MessageConsumer<JsonObject> serve(EventBus bus, String address,
      Function<JsonObject, Future<JsonObject>> handler) {
    return bus.consumer(address, (Message<JsonObject> message) -> {
      Future<JsonObject> answer;
      try {
        if (message.body() == null) {
          throw StagecoachException.invalidInput("the request must be a JSON object");
        }
        answer = handler.apply(message.body());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onSuccess(message::reply).onFailure(e -> BusErrors.fail(message, e));
    });
  }
}
