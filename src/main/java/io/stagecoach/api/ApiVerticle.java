package io.stagecoach.api;

import io.stagecoach.client.JobClient;
import io.stagecoach.config.HttpConfig;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The REST API of SPEC §5 over HTTP; every job operation goes through {@link JobClient}, as a sibling verticle's would. */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  public static final String BASE = "/api/v1";

  private final HttpConfig config;
  private HttpServer server;

  public ApiVerticle(HttpConfig config) {
    this.config = config;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = routes(new JobRoutes(vertx, JobClient.create(vertx)), new HealthRoutes(vertx));
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.port(), config.host())
        .onSuccess(s -> {
          server = s;
          LOG.info("REST API listening on http://{}:{}{}", config.host(), s.actualPort(), BASE);
        });
  }

  private Router routes(JobRoutes jobs, HealthRoutes health) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    route(router, HttpMethod.POST, BASE + "/jobs", jobs::submit);
    route(router, HttpMethod.POST, BASE + "/jobs/batch", jobs::submitBatch);
    route(router, HttpMethod.GET, BASE + "/jobs", jobs::list);
    route(router, HttpMethod.GET, BASE + "/jobs/:id", jobs::get);
    route(router, HttpMethod.GET, BASE + "/jobs/:id/logs", jobs::logs);
    route(router, HttpMethod.POST, BASE + "/jobs/:id/cancel", jobs::cancel);
    route(router, HttpMethod.POST, BASE + "/jobs/:id/retry", jobs::retry);
    route(router, HttpMethod.GET, BASE + "/job-types", jobs::jobTypes);
    route(router, HttpMethod.GET, BASE + "/health/live", health::live);
    route(router, HttpMethod.GET, BASE + "/health/ready", health::ready);
    route(router, HttpMethod.GET, "/health/live", health::live);
    route(router, HttpMethod.GET, "/health/ready", health::ready);
    router.errorHandler(404, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.NOT_FOUND,
        "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(405, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.METHOD_NOT_ALLOWED,
        ctx.request().method() + " is not allowed on " + ctx.request().path())));
    router.errorHandler(413, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.PAYLOAD_TOO_LARGE,
        "request body is larger than " + config.maxBodyBytes() + " bytes")));
    router.errorHandler(500, ctx -> Responses.error(ctx, ctx.failure()));
    return router;
  }

  private static void route(Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
    router.route(method, path).handler(handler).failureHandler(ctx -> Responses.error(ctx, failureOf(ctx)));
  }

  /** The failure a route ended with; a bare status (such as the body limit's 413) becomes its contract error. */
  private static Throwable failureOf(RoutingContext ctx) {
    if (ctx.failure() != null) {
      return ctx.failure();
    }
    return switch (ctx.statusCode()) {
      case 413 -> new StagecoachException(ErrorCode.PAYLOAD_TOO_LARGE, "request body is too large");
      case 400 -> new StagecoachException(ErrorCode.INVALID_INPUT, "bad request");
      default -> new StagecoachException(ErrorCode.INTERNAL, "internal error");
    };
  }
}
