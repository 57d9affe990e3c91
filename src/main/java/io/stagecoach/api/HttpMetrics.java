package io.stagecoach.api;

import io.stagecoach.metrics.EngineMetrics;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Times every request the API answers into {@link EngineMetrics#httpRequest}: by method, status and
 * endpoint, named by its path template ({@code /api/v1/jobs/:id}), never by the path itself, so
 * that ids in paths cannot grow the label set without end.
 */
final class HttpMetrics {
  /** The route label of a request that matched no endpoint (an unknown path). */
  static final String NO_ENDPOINT = "none";

  private static final String ENDPOINT_KEY = "stagecoach.endpoint";

  private HttpMetrics() {
  }

  /**
   * The first handler of every request: times it until its body has been sent, for the metrics
   * and for the {@link AccessLog}.
   */
  static Handler<RoutingContext> timer(EngineMetrics metrics) {
    return ctx -> {
      long start = System.nanoTime();
      ctx.addBodyEndHandler(v -> {
        long nanos = System.nanoTime() - start;
        metrics.httpRequest(ctx.request().method().name(), ctx.get(ENDPOINT_KEY, NO_ENDPOINT),
            ctx.response().getStatusCode(), nanos);
        AccessLog.log(ctx, nanos);
      });
      ctx.next();
    };
  }

  /**
   * Names the endpoint a request matched; routed ahead of authentication and the body, so that a
   * request they refuse (401, 413) still counts under its endpoint.
   */
  static Handler<RoutingContext> endpoint(String pathTemplate) {
    return ctx -> {
      ctx.put(ENDPOINT_KEY, pathTemplate);
      ctx.next();
    };
  }
}
