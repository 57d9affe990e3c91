package io.stagecoach.webhook;

import java.util.Locale;

/** Where a delivery is. */
public enum DeliveryStatus {
  /** Waiting for its next attempt at {@code nextAttemptAt}; leaves on a 2xx, a final failure or a disabled endpoint. */
  PENDING,
  /** A 2xx answered an attempt. Final. */
  SUCCEEDED,
  /** Every attempt of the schedule failed, the endpoint answered 410 Gone, or it was disabled. Final; redelivery makes a new delivery. */
  FAILED;

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeliveryStatus fromWire(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
