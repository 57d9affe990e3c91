package io.stagecoach.config;

import io.vertx.core.json.JsonObject;
import io.vertx.core.json.JsonArray;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
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

  /** A list of non-empty strings; a single string is a list of one. Empty when the key is absent. */
  List<String> strings(String key) {
    known.add(key);
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    List<String> strings = new ArrayList<>();
    for (Object item : value instanceof JsonArray array ? array : new JsonArray().add(value)) {
      if (!(item instanceof String s) || s.isBlank()) {
        throw new ConfigException(name(key) + " must be a string or a list of non-empty strings");
      }
      strings.add(s);
    }
    return List.copyOf(strings);
  }

  /** A list of objects, each read as its own section named {@code key[i]}. Empty when the key is absent. */
  List<Section> sections(String key) {
    known.add(key);
    Object value = json.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new ConfigException(name(key) + " must be a list of objects");
    }
    List<Section> sections = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject item)) {
        throw new ConfigException(name(key) + "[" + i + "] must be an object");
      }
      sections.add(new Section(name(key) + "[" + i + "]", item));
    }
    return sections;
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
