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

  /** Answers {@code message} with the error; an unexpected exception is logged and kept vague. */
  public static void fail(Message<?> message, Throwable cause) {
    StagecoachException error = toStagecoach(cause);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("unexpected failure handling {}", message.address(), cause);
    }
    message.fail(error.code().httpStatus(), error.toJson().encode());
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
      return new StagecoachException(ErrorCode.UNAVAILABLE, "engine unavailable: " + reply.failureType());
    }
    return new StagecoachException(ErrorCode.INTERNAL, "internal error");
  }
}
