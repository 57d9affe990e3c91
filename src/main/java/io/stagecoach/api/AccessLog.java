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

  static void handle(RoutingContext ctx) {
    if (LOG.isDebugEnabled()) {
      long start = System.nanoTime();
      ctx.addBodyEndHandler(v -> LOG.debug("{} {} {} {}ms sub={}", ctx.request().method(), ctx.request().path(),
          ctx.response().getStatusCode(), (System.nanoTime() - start) / 1_000_000, subject(ctx)));
    }
    ctx.next();
  }

  private static String subject(RoutingContext ctx) {
    return Access.callerOf(ctx).map(caller -> caller.subject()).orElse("-");
  }
}
