package io.stagecoach.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The codec of published job events. The default JSON codec deep-copies a message for every local
 * consumer; with the webhook dispatcher, the alerter and watchers all consuming every event, that
 * copying cost more than running a no-op job (see README, Benchmarks). Here local consumers share
 * the one envelope, which they must treat as read-only; across a cluster it travels as JSON text.
 * An {@link Event} is sent and its envelope made for the first consumer that receives it.
 */
public final class EventCodec implements MessageCodec<Event, JsonObject> {
  public static final String NAME = "stagecoach.event";

  /** Registers the codec on {@code bus} once; later calls do nothing. */
  public static void register(EventBus bus) {
    synchronized (EventCodec.class) {
      try {
        bus.registerCodec(new EventCodec());
      } catch (IllegalStateException alreadyRegistered) {
        // one codec per event bus: registered by an earlier engine part on the same Vert.x
      }
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, Event event) {
    Buffer json = Buffer.buffer(event.body());
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(Event event) {
    return event.envelope();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
