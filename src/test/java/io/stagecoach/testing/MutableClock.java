package io.stagecoach.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it, so that delays, leases and TTLs are
 * tested by moving time rather than waiting for it. Safe to read and move from any thread.
 */
public final class MutableClock extends Clock {
  /** Where test clocks start unless told otherwise: the instant of the SPEC's examples. */
  public static final Instant DEFAULT_START = Instant.parse("2026-11-23T10:00:00Z");

  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  public MutableClock() {
    this(DEFAULT_START);
  }

  public MutableClock(Instant start) {
    this(new AtomicReference<>(start), ZoneOffset.UTC);
  }

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /** Moves time forward by {@code step} and returns the new now. */
  public Instant advance(Duration step) {
    if (step.isNegative()) {
      throw new IllegalArgumentException("time does not go backwards: " + step);
    }
    return now.updateAndGet(t -> t.plus(step));
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view in another zone that shares this clock's time (moving one moves both). */
  @Override
  public Clock withZone(ZoneId other) {
    return new MutableClock(now, other);
  }
}
