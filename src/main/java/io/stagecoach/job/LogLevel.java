package io.stagecoach.job;

/** Level of a job log line, lower-case on the wire. */
public enum LogLevel {
  DEBUG, INFO, WARN, ERROR;

  private final String wire = name().toLowerCase();

  public String wire() {
    return wire;
  }

  public static LogLevel fromWire(String s) {
    for (LogLevel level : values()) {
      if (level.wire.equalsIgnoreCase(s)) {
        return level;
      }
    }
    return INFO;
  }
}
