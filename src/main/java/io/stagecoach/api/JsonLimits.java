package io.stagecoach.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.NulCharacters;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Parses a request body strictly, so that what is stored is what was sent and no two readers of
 * the body can disagree on it: UTF-8 only (no replacement characters), no duplicate field names,
 * no lone surrogates, no comments; and with limits beyond its size: nesting depth (enforced by the
 * parser as it reads, before it recurses), the length of every string and field name, and no NUL
 * character in any (see {@link NulCharacters}).
 */
final class JsonLimits {
  /** Deepest nesting of objects and arrays in a body. */
  static final int MAX_DEPTH = 64;
  /** Longest string value anywhere in a body, in characters. */
  static final int MAX_STRING_LENGTH = 65_536;
  /** Longest field name anywhere in a body, in characters. */
  static final int MAX_NAME_LENGTH = 256;

  /** Jackson's defaults are strict (no comments, NaN or single quotes); duplicates are not refused unless asked. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
      .build();

  private JsonLimits() {
  }

  /** The body as a JSON object: {@code invalid_json} if it does not parse, {@code invalid_input} if it breaks a limit or is not an object. */
  static JsonObject parseObject(Buffer body) {
    String text = body == null ? null : utf8(body);
    if (text == null || text.isBlank()) {
      throw StagecoachException.invalidInput("the request body must be a JSON object");
    }
    Object parsed;
    try (JsonParser parser = STRICT.createParser(text)) {
      parsed = JacksonCodec.fromParser(parser, Object.class);
    } catch (DecodeException e) {
      if (e.getCause() instanceof StreamConstraintsException) {
        throw new StagecoachException(ErrorCode.INVALID_INPUT, "the request body is nested deeper than "
            + MAX_DEPTH + " levels", new JsonObject().put("maxDepth", MAX_DEPTH));
      }
      throw invalidJson(e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
          ? "a field name appears twice in one object" : null);
    } catch (IOException e) {
      throw invalidJson(null);
    }
    if (!(parsed instanceof JsonObject object)) {
      throw StagecoachException.invalidInput("the request body must be a JSON object");
    }
    checkStrings(object, "");
    return object;
  }

  /** The body decoded as UTF-8, refusing what is not (a stray byte, an overlong form, an encoded surrogate). */
  private static String utf8(Buffer body) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes()))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalidJson("it is not valid UTF-8");
    }
  }

  private static StagecoachException invalidJson(String why) {
    return new StagecoachException(ErrorCode.INVALID_JSON, "the request body is not valid JSON" + (why == null ? "" : ": " + why));
  }

  private static void checkStrings(Object value, String path) {
    if (value instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        if (e.getKey().length() > MAX_NAME_LENGTH) {
          throw StagecoachException.invalidInput(truncate(name), "field names are at most " + MAX_NAME_LENGTH + " characters");
        }
        checkCharacters(e.getKey(), name);
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
      checkCharacters(s, path);
    }
  }

  /** No NUL, and no surrogate outside a pair: Jackson takes one from an escape, and no UTF-8 encoder can write it back. */
  private static void checkCharacters(String s, String path) {
    if (NulCharacters.in(s)) {
      throw NulCharacters.refused(truncate(path));
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        String field = escapeSurrogates(truncate(path));
        throw new StagecoachException(ErrorCode.INVALID_JSON, "the request body is not valid JSON: " + field
            + " holds a lone surrogate", new JsonObject().put("field", field));
      }
    }
  }

  /** {@code path} with each surrogate written as its JSON escape, so that the error naming it can be encoded. */
  private static String escapeSurrogates(String path) {
    StringBuilder out = new StringBuilder(path.length());
    path.chars().forEach(c -> out.append(Character.isSurrogate((char) c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
    return out.toString();
  }

  private static String truncate(String s) {
    return s.length() <= 100 ? s : s.substring(0, 100) + "…";
  }
}
