package io.stagecoach.config;

/** A configuration that cannot be used; its message says which key and why. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
