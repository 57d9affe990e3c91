package io.stagecoach.job;

/** What a job does when the lock it names is held by someone else (SPEC §4). */
public enum OnBusy {
  /** End succeeded with {@code {"skipped": "lock_busy"}}: a duplicate run short-circuits. */
  SKIP,
  /** Stay queued, holding no worker, and start once the lock is free. */
  WAIT,
  /** End failed with error code {@code lock_busy}. */
  FAIL;

  private final String wire = name().toLowerCase();

  public String wire() {
    return wire;
  }

  public static OnBusy fromWire(String s) {
    for (OnBusy value : values()) {
      if (value.wire.equals(s)) {
        return value;
      }
    }
    throw StagecoachException.invalidInput("lock.onBusy", "must be one of skip, wait, fail");
  }
}
