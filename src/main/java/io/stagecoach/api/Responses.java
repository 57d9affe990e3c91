package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.stagecoach.bus.BusErrors;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes JSON answers and contract errors; no stack trace or HTML page ever leaves here. */
final class Responses {
  private static final Logger LOG = LoggerFactory.getLogger(Responses.class);
  static final String JSON = "application/json";
  /** When a client told {@code 503} should try again: an outage of the store or the locks rarely ends sooner. */
  private static final String RETRY_AFTER_SECONDS = "5";

  private Responses() {
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  static void error(RoutingContext ctx, Throwable failure) {
    if (ctx.response().closed()) {
      // The client went, or HttpEdge closed it (a broken or stalled request): nobody is left to answer.
      LOG.debug("{} {} ended with the connection: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return;
    }
    StagecoachException error = failure instanceof StagecoachException e ? e : BusErrors.toStagecoach(failure);
    if (error.code() == ErrorCode.INTERNAL) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      // Whatever the failure said stays in the log: it may name classes, hosts or queries.
      error = new StagecoachException(ErrorCode.INTERNAL, "internal error");
    }
    if (error.code() == ErrorCode.UNAVAILABLE) {
      // Failures from across the bus were logged where they happened and come without a cause.
      BusErrors.logUnavailable(ctx.request().method() + " " + ctx.request().path(), error);
      ctx.response().putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    if (error.code() == ErrorCode.UNAUTHORIZED && ctx.response().headers().get(Access.WWW_AUTHENTICATE) == null) {
      ctx.response().putHeader(Access.WWW_AUTHENTICATE, Access.CHALLENGE);
    }
    json(ctx, error.code().httpStatus(), error.toJson());
  }
}
