package io.stagecoach.job;

/** The contract's error codes (SPEC §5), each with the HTTP status it is answered with. */
public enum ErrorCode {
  INVALID_JSON("invalid_json", 400),
  INVALID_INPUT("invalid_input", 400),
  UNKNOWN_JOB_TYPE("unknown_job_type", 422),
  UNAUTHORIZED("unauthorized", 401),
  FORBIDDEN("forbidden", 403),
  NOT_FOUND("not_found", 404),
  METHOD_NOT_ALLOWED("method_not_allowed", 405),
  ALREADY_FINISHED("already_finished", 409),
  INVALID_STATE("invalid_state", 409),
  IDEMPOTENCY_CONFLICT("idempotency_conflict", 409),
  LIMIT_EXCEEDED("limit_exceeded", 409),
  PAYLOAD_TOO_LARGE("payload_too_large", 413),
  UNAVAILABLE("unavailable", 503),
  INTERNAL("internal", 500);

  private final String code;
  private final int httpStatus;

  ErrorCode(String code, int httpStatus) {
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public String code() {
    return code;
  }

  public int httpStatus() {
    return httpStatus;
  }

  /** The enum constant for a wire code; {@link #INTERNAL} for one this version does not know. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return INTERNAL;
  }
}
