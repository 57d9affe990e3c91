package io.stagecoach.bus;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Errors across the bus: a failed reply carries the HTTP status as failure code and the
 * contract's error JSON as message, so REST and bus clients see the same error.
 */
public final class BusErrors {
  private static final Logger LOG = LoggerFactory.getLogger(BusErrors.class);

  private BusErrors() {
  }

  /**
   * Answers {@code message} with the error; an unexpected exception is logged and kept vague, and
   * the cause of an {@code unavailable} logged on one line: the reply carries neither.
   */
  public static void fail(Message<?> message, Throwable cause) {
    StagecoachException error = toStagecoach(cause);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("unexpected failure handling {}", message.address(), cause);
    } else {
      logUnavailable(message.address(), error);
    }
    message.fail(error.code().httpStatus(), error.toJson().encode());
  }

  /** Logs why {@code error} is {@code unavailable}, if it is and knows why, as one line without a stack trace. */
  public static void logUnavailable(String where, StagecoachException error) {
    if (error.code() == ErrorCode.UNAVAILABLE && error.getCause() != null) {
      LOG.warn("{}: {}: {}", where, error.getMessage(), error.getCause().toString());
    }
  }

  /** The contract error a failure stands for; bus timeouts and missing handlers are {@code unavailable}. */
  public static StagecoachException toStagecoach(Throwable cause) {
    if (cause instanceof StagecoachException e) {
      return e;
    }
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        return StagecoachException.fromJson(reply.getMessage());
      }
      return StagecoachException.unavailable("the engine is unavailable", reply);
    }
    return new StagecoachException(ErrorCode.INTERNAL, "internal error");
  }
}
