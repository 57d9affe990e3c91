package io.stagecoach.api;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.NulCharacters;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Parses a request body strictly (no comments) and with limits beyond its size: nesting depth
 * (checked on the text, before the parser recurses), the length of every string and field name,
 * and no NUL character in any (see {@link NulCharacters}).
 */
final class JsonLimits {
  /** Deepest nesting of objects and arrays in a body. */
  static final int MAX_DEPTH = 64;
  /** Longest string value anywhere in a body, in characters. */
  static final int MAX_STRING_LENGTH = 65_536;
  /** Longest field name anywhere in a body, in characters. */
  static final int MAX_NAME_LENGTH = 256;

  private JsonLimits() {
  }

  /** The body as a JSON object: {@code invalid_json} if it does not parse, {@code invalid_input} if it breaks a limit or is not an object. */
  static JsonObject parseObject(String text) {
    if (text == null || text.isBlank()) {
      throw StagecoachException.invalidInput("the request body must be a JSON object");
    }
    checkDepth(text);
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new StagecoachException(ErrorCode.INVALID_JSON, "the request body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject object)) {
      throw StagecoachException.invalidInput("the request body must be a JSON object");
    }
    checkStrings(object, "");
    return object;
  }

  /** Counts brackets outside strings and refuses comments; other malformed text is left for the parser to refuse. */
  private static void checkDepth(String text) {
    int depth = 0;
    boolean inString = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '/') {
        // Vert.x's parser takes comments; JSON has none, and what a client sends is JSON.
        throw new StagecoachException(ErrorCode.INVALID_JSON, "the request body is not valid JSON (comments are not JSON)");
      } else if (c == '{' || c == '[') {
        if (++depth > MAX_DEPTH) {
          throw new StagecoachException(ErrorCode.INVALID_INPUT, "the request body is nested deeper than "
              + MAX_DEPTH + " levels", new JsonObject().put("maxDepth", MAX_DEPTH));
        }
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
  }

  private static void checkStrings(Object value, String path) {
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().length() > MAX_NAME_LENGTH) {
          throw StagecoachException.invalidInput(truncate(name), "field names are at most " + MAX_NAME_LENGTH + " characters");
        }
        if (NulCharacters.in(e.getKey())) {
          throw NulCharacters.refused(truncate(name));
        }
        checkStrings(e.getValue(), name);
      }
    } else if (value instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        checkStrings(array.getValue(i), path + "[" + i + "]");
      }
    } else if (value instanceof String s) {
      if (s.length() > MAX_STRING_LENGTH) {
        throw StagecoachException.invalidInput(truncate(path), "strings are at most " + MAX_STRING_LENGTH + " characters");
      }
      if (NulCharacters.in(s)) {
        throw NulCharacters.refused(truncate(path));
      }
    }
  }

  private static String truncate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
