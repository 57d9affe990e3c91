package io.stagecoach.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one object of the config file with typed getters, remembering the keys it was asked
 * for so that {@link #rejectUnknownKeys()} can name a misspelt key instead of ignoring it.
 */
final class Section {
  private final String path;
  private final JsonObject json;
  private final Set<String> known = new LinkedHashSet<>();

  Section(String path, JsonObject json) {
    this.path = path;
    this.json = json == null ? new JsonObject() : json;
  }

  Section section(String key) {
    known.add(key);
    Object value = json.getValue(key);
    if (value != null && !(value instanceof JsonObject)) {
      throw new ConfigException(name(key) + " must be an object");
    }
    return new Section(name(key), (JsonObject) value);
  }

  String string(String key, String fallback) {
    known.add(key);
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigException(name(key) + " must be a non-empty string");
    }
    return s;
  }

  boolean bool(String key, boolean fallback) {
    known.add(key);
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if ("true".equals(value) || "false".equals(value)) {
      return Boolean.parseBoolean((String) value);
    }
    throw new ConfigException(name(key) + " must be true or false");
  }

  long number(String key, long fallback, long min, long max) {
    known.add(key);
    Object value = json.getValue(key);
    if (value == null) {
      return fallback;
    }
    long n;
    try {
      n = value instanceof Number num && num.doubleValue() == num.longValue()
          ? num.longValue()
          : Long.parseLong(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new ConfigException(name(key) + " must be a whole number, not '" + value + "'");
    }
    if (n < min || n > max) {
      throw new ConfigException(name(key) + " must be between " + min + " and " + max + ", not " + n);
    }
    return n;
  }

  int integer(String key, int fallback, int min, int max) {
    return (int) number(key, fallback, min, max);
  }

  Duration millis(String key, Duration fallback, Duration min) {
    return Duration.ofMillis(number(key, fallback.toMillis(), min.toMillis(), Long.MAX_VALUE / 2));
  }

  void rejectUnknownKeys() {
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        throw new ConfigException("unknown config key '" + name(key) + "'; known keys here: "
            + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private String name(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }
}
