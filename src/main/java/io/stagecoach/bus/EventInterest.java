package io.stagecoach.bus;

/**
 * Which events some webhook subscription wants. Asked for every event, on the path of every job
 * change, so it must answer at once from memory; an answer of "yes" for an event nobody wants
 * costs an outbox row, one of "no" for a wanted event loses it, so when in doubt it says yes.
 */
@FunctionalInterface
public interface EventInterest {
  /** Every event is wanted: the safe default. */
  EventInterest ALL = (tenant, type) -> true;

  boolean wants(String tenant, EventType type);
}
