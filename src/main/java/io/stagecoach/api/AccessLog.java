package io.stagecoach.api;

import io.stagecoach.api.auth.Access;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DEBUG line per request on {@code io.stagecoach.api.access}: method, path (without the query),
 * status, time and the caller's subject. Never a header, a query string or a body, so never a token.
 */
final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.stagecoach.api.access");

  private AccessLog() {
  }

  /** Logs a request whose body has been sent, {@code nanos} after it arrived ({@link HttpMetrics} times it). */
  static void log(RoutingContext ctx, long nanos) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("{} {} {} {}ms sub={}", ctx.request().method(), ctx.request().path(),
          ctx.response().getStatusCode(), nanos / 1_000_000, subject(ctx));
    }
  }

  private static String subject(RoutingContext ctx) {
    return Access.callerOf(ctx).map(caller -> caller.subject()).orElse("-");
  }
}
