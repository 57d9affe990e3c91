package io.stagecoach.job;

import io.vertx.core.json.JsonObject;

/**
 * The one exception type that carries a contract error. REST answers it with the code's HTTP
 * status and the error JSON; the event bus carries the same JSON in a {@code ReplyException}.
 */
public final class StagecoachException extends RuntimeException {
  private final ErrorCode code;
  private final JsonObject details;

  public StagecoachException(ErrorCode code, String message) {
    this(code, message, new JsonObject());
  }

  public StagecoachException(ErrorCode code, String message, JsonObject details) {
    this(code, message, details, null);
  }

  private StagecoachException(ErrorCode code, String message, JsonObject details, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public ErrorCode code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  /** {@code {"error": {"code", "message", "details"}}}, the contract's error body. */
  public JsonObject toJson() {
    return new JsonObject().put("error", new JsonObject()
        .put("code", code.code())
        .put("message", getMessage())
        .put("details", details));
  }

  /** Parses the contract's error body; anything else becomes an {@link ErrorCode#INTERNAL} error. */
  public static StagecoachException fromJson(String body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return new StagecoachException(ErrorCode.fromCode(error.getString("code")),
          error.getString("message"), error.getJsonObject("details"));
    } catch (RuntimeException notErrorJson) {
      return new StagecoachException(ErrorCode.INTERNAL, body);
    }
  }

  public static StagecoachException invalidInput(String message) {
    return new StagecoachException(ErrorCode.INVALID_INPUT, message);
  }

  public static StagecoachException invalidInput(String field, String message) {
    return new StagecoachException(ErrorCode.INVALID_INPUT, field + ": " + message,
        new JsonObject().put("field", field));
  }

  /**
   * {@code unavailable}, with a message fit for any client ({@code "the store is unavailable"}) and
   * the {@code cause} kept for the log alone: neither {@link #toJson} nor the bus carries it.
   */
  public static StagecoachException unavailable(String message, Throwable cause) {
    return new StagecoachException(ErrorCode.UNAVAILABLE, message, new JsonObject(), cause);
  }

  public static StagecoachException notFound(String what) {
    return new StagecoachException(ErrorCode.NOT_FOUND, what + " not found");
  }
}
