package io.stagecoach.store.pg;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * PostgreSQL stores no NUL character (U+0000) in text or jsonb, and refuses the whole statement
 * that holds one. Input cannot hold one ({@code NulCharacters}), but what a handler reports can (a
 * result of raw bytes, say); it is stored as U+FFFD, the replacement character, so that the write
 * goes through, and with it the other jobs' writes batched in the same statement. Text columns
 * take {@code NulCharacters.replaced}; this is the same for JSON as Vert.x encodes it.
 */
public final class PgText {
  /** A NUL as Vert.x encodes it in JSON text, not preceded by an odd number of backslashes (those escape a backslash). */
  private static final Pattern ESCAPED_NUL = Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u0000");

  private PgText() {
  }

  /** Encoded JSON, for a jsonb column. */
  public static String json(JsonObject json) {
    return json == null ? null : json(json.encode());
  }

  public static String json(JsonArray json) {
    return json == null ? null : json(json.encode());
  }

  static String json(String encoded) {
    return encoded == null || !encoded.contains("\\u0000") ? encoded : ESCAPED_NUL.matcher(encoded).replaceAll("$1\\\\ufffd");
  }

  /** {@code json} itself when it holds no NUL, else a copy with each replaced. */
  public static JsonObject storable(JsonObject json) {
    if (json == null) {
      return null;
    }
    String encoded = json.encode();
    String stored = json(encoded);
    return stored == encoded ? json : new JsonObject(stored);
  }
}
