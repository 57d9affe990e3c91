package io.stagecoach.runner;

/**
 * Thrown (or failed with) by a handler to fail the attempt with a code of its own. A
 * non-retryable failure fails the job at once, whatever attempts are left.
 */
public final class JobFailure extends RuntimeException {
  private final String code;
  private final boolean retryable;

  public JobFailure(String code, String message, boolean retryable) {
    super(message, null, false, false);
    this.code = code;
    this.retryable = retryable;
  }

  public JobFailure(String code, String message) {
    this(code, message, true);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
