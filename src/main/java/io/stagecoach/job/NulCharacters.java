package io.stagecoach.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The NUL character (U+0000), which PostgreSQL stores in neither text nor jsonb. Input that holds
 * one is refused on every store alike, so that a submission valid on one store is valid on all.
 */
public final class NulCharacters {
  private NulCharacters() {
  }

  public static boolean in(String s) {
    return s != null && s.indexOf('\0') >= 0;
  }

  /**
   * {@code s} with each NUL replaced by U+FFFD, the replacement character: for text that is not
   * input and cannot be refused (what a handler reports, a webhook receiver's answer).
   */
  public static String replaced(String s) {
    return in(s) ? s.replace('\0', '\uFFFD') : s;
  }

  /** The path of the first field name or string with a NUL in {@code json} (below {@code path}), or null. */
  public static String pathIn(Object json, String path) {
    if (json instanceof JsonObject object) {
      for (Map.Entry<String, Object> e : object) {
        String name = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
        String found = in(e.getKey()) ? name : pathIn(e.getValue(), name);
        if (found != null) {
          return found;
        }
      }
    } else if (json instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        String found = pathIn(array.getValue(i), path + "[" + i + "]");
        if (found != null) {
          return found;
        }
      }
    } else if (json instanceof String s && in(s)) {
      return path;
    }
    return null;
  }

  /** {@code invalid_input} naming the field, its path printable. */
  public static StagecoachException refused(String path) {
    return StagecoachException.invalidInput(path.replace('\0', '\uFFFD'), "must not contain the NUL character (\\u0000)");
  }
}
