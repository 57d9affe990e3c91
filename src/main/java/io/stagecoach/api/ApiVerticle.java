package io.stagecoach.api;

import static io.stagecoach.api.auth.Role.ADMIN;
import static io.stagecoach.api.auth.Role.OPERATOR;
import static io.stagecoach.api.auth.Role.SUBMITTER;
import static io.stagecoach.api.auth.Role.VIEWER;
import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.POST;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.stagecoach.api.auth.Access;
import io.stagecoach.api.auth.Authenticator;
import io.stagecoach.api.auth.Binding;
import io.stagecoach.api.auth.Role;
import io.stagecoach.client.JobClient;
import io.stagecoach.config.AuthConfig;
import io.stagecoach.config.ConfigException;
import io.stagecoach.config.HttpConfig;
import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.NulCharacters;
import io.stagecoach.job.StagecoachException;
import io.stagecoach.metrics.EngineMetrics;
import io.stagecoach.ops.AlertClient;
import io.stagecoach.ops.AuditClient;
import io.stagecoach.webhook.WebhookClient;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of SPEC §5 over HTTP; every job operation goes through {@link JobClient}, as a
 * sibling verticle's would. Every endpoint but health needs a bearer token with the role its
 * line in {@link #endpoints} names.
 */
public final class ApiVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ApiVerticle.class);
  public static final String BASE = "/api/v1";

  private final HttpConfig config;
  private final AuthConfig auth;
  private final EngineMetrics metrics;
  private Authenticator authenticator;
  private HttpServer server;

  /** An API whose {@code GET /metrics} serves {@code metrics}. */
  public ApiVerticle(HttpConfig config, AuthConfig auth, EngineMetrics metrics) {
    this.config = config;
    this.auth = auth;
    this.metrics = metrics;
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  /** The token made at start-up when no token keys are configured (development auth); else empty. */
  public Optional<String> developmentToken() {
    return authenticator == null ? Optional.empty() : authenticator.developmentToken();
  }

  @Override
  public Future<?> start() {
    try {
      Binding.checkDevelopment(config.host(), auth.isDevelopment());
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return Authenticator.create(vertx, auth, Clock.systemUTC())
        .compose(this::writeDevelopmentToken)
        .compose(a -> {
          authenticator = a;
          Audit audit = new Audit(new AuditClient(vertx));
          Router router = router(new Routes(new JobRoutes(vertx, JobClient.create(vertx), audit), new HealthRoutes(vertx),
              new WebhookRoutes(WebhookClient.create(vertx), audit), new AlertRoutes(new AlertClient(vertx), audit),
              new AuditRoutes(new AuditClient(vertx)), new LockRoutes(vertx, audit),
              new MetricsRoutes(JobClient.create(vertx), metrics)));
          // HTTP/1.x only: without h2c (an upgrade a proxy may pass on unread) each connection is set up
          // before its first byte is read, so HttpEdge sees every byte.
          HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false);
          return vertx.createHttpServer(options)
              .connectionHandler(connection -> HttpEdge.install(connection, options, config))
              .requestHandler(request -> {
                SecurityHeaders.apply(request.response().headers());
                router.handle(request);
              })
              .invalidRequestHandler(ApiVerticle::invalidRequest)
              .listen(config.port(), config.host());
        })
        .onSuccess(s -> {
          server = s;
          LOG.info("REST API listening on http://{}:{}{}", config.host(), s.actualPort(), BASE);
        });
  }

  @Override
  public Future<?> stop() {
    if (authenticator != null) {
      authenticator.close();
    }
    return Future.succeededFuture();
  }

  /** The route groups the endpoints table points into. */
  private record Routes(JobRoutes jobs, HealthRoutes health, WebhookRoutes webhooks, AlertRoutes alerts,
      AuditRoutes audit, LockRoutes locks, MetricsRoutes metrics) {
  }

  /** One endpoint: who may call it ({@code role} null: anyone) and what answers it. */
  private record Endpoint(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
  }

  private static Endpoint open(HttpMethod method, String path, Handler<RoutingContext> handler) {
    return new Endpoint(method, path, null, handler);
  }

  private static Endpoint api(HttpMethod method, String path, Role role, Handler<RoutingContext> handler) {
    return new Endpoint(method, BASE + path, role, handler);
  }

  /** A NUL character, which no store keeps (see {@link NulCharacters}), in a path or query parameter. */
  private static void refuseNulInUrl(RoutingContext ctx) {
    if (ctx.request().uri().contains("%00")) {
      Responses.error(ctx, StagecoachException.invalidInput("the URL must not contain the NUL character (%00)"));
    } else {
      ctx.next();
    }
  }

  /**
   * Every endpoint: method, path, the least role it needs, handler. {@code GET /metrics} is
   * {@code open} unless {@code auth.protectMetrics}, when it needs {@code OPERATOR}.
   */
  private List<Endpoint> endpoints(Routes routes) {
    JobRoutes jobs = routes.jobs();
    HealthRoutes health = routes.health();
    WebhookRoutes webhooks = routes.webhooks();
    return List.of(
        open(GET, "/health/live", health::live),
        open(GET, "/health/ready", health::ready),
        open(GET, BASE + "/health/live", health::live),
        open(GET, BASE + "/health/ready", health::ready),
        auth.protectMetrics() ? api(GET, "/metrics", OPERATOR, routes.metrics()::scrape)
            : open(GET, BASE + "/metrics", routes.metrics()::scrape),
        api(POST, "/jobs", SUBMITTER, jobs::submit),
        api(POST, "/jobs/batch", SUBMITTER, jobs::submitBatch),
        api(GET, "/jobs", VIEWER, jobs::list),
        api(GET, "/jobs/:id", VIEWER, jobs::get),
        api(GET, "/jobs/:id/logs", VIEWER, jobs::logs),
        api(POST, "/jobs/:id/cancel", SUBMITTER, jobs::cancel),
        api(POST, "/jobs/:id/retry", SUBMITTER, jobs::retry),
        api(GET, "/job-types", VIEWER, jobs::jobTypes),
        api(POST, "/webhooks", ADMIN, webhooks::create),
        api(GET, "/webhooks", ADMIN, webhooks::list),
        api(GET, "/webhooks/:id", ADMIN, webhooks::get),
        api(DELETE, "/webhooks/:id", ADMIN, webhooks::delete),
        api(POST, "/webhooks/:id/rotate-secret", ADMIN, webhooks::rotateSecret),
        api(POST, "/webhooks/:id/enable", ADMIN, webhooks::enable),
        api(GET, "/webhooks/:id/deliveries", ADMIN, webhooks::deliveries),
        api(POST, "/webhooks/:id/deliveries/:deliveryId/redeliver", ADMIN, webhooks::redeliver),
        api(POST, "/webhooks/:id/ping", ADMIN, webhooks::ping),
        api(GET, "/alerts", ADMIN, routes.alerts()::list),
        api(POST, "/alerts/:id/ack", ADMIN, routes.alerts()::acknowledge),
        api(GET, "/audit", ADMIN, routes.audit()::list),
        api(GET, "/locks", OPERATOR, routes.locks()::list),
        api(DELETE, "/locks/:key", OPERATOR, routes.locks()::forceRelease));
  }

  /**
   * The token first, for every path under {@link #BASE} but the open endpoints there — before the
   * body is read, so an anonymous caller cannot make the server buffer one; then the body; then
   * the endpoints. No catch-all route may follow them, or a wrong method would be 404, not 405.
   */
  private Router router(Routes routes) {
    Router router = Router.router(vertx);
    router.route().handler(HttpMetrics.timer(metrics));
    router.route().handler(ApiVerticle::refuseNulInUrl);
    if (!auth.corsOrigins().isEmpty()) {
      router.route().handler(SecurityHeaders.cors(auth.corsOrigins()));
    }
    List<Endpoint> endpoints = endpoints(routes);
    for (Endpoint e : endpoints) {
      router.route(e.method(), e.path()).handler(HttpMetrics.endpoint(e.path()));
    }
    String openUnderBase = endpoints.stream()
        .filter(e -> e.role() == null && e.path().startsWith(BASE + "/"))
        .map(e -> Pattern.quote(e.path().substring(BASE.length())))
        .collect(Collectors.joining("|"));
    router.routeWithRegex(Pattern.quote(BASE) + "(?!(?:" + openUnderBase + ")$)(?:/.*)?")
        .handler(Access.authenticate(authenticator));
    router.route().handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    for (Endpoint e : endpoints) {
      Route route = router.route(e.method(), e.path());
      if (e.role() != null) {
        route.handler(Access.require(e.role()));
      }
      route.handler(e.handler());
    }
    router.route().failureHandler(ctx -> Responses.error(ctx, failureOf(ctx)));
    router.errorHandler(400, ctx -> Responses.error(ctx, StagecoachException.invalidInput("the request is malformed")));
    router.errorHandler(404, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.NOT_FOUND,
        "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(405, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.METHOD_NOT_ALLOWED,
        ctx.request().method() + " is not allowed on " + ctx.request().path())));
    router.errorHandler(413, ctx -> Responses.error(ctx, new StagecoachException(ErrorCode.PAYLOAD_TOO_LARGE,
        "request body is larger than " + config.maxBodyBytes() + " bytes")));
    router.errorHandler(500, ctx -> Responses.error(ctx, ctx.failure()));
    return router;
  }

  /** The failure a route ended with; a bare status (such as the body limit's 413) becomes its contract error. */
  private Throwable failureOf(RoutingContext ctx) {
    if (ctx.failure() instanceof StagecoachException e) {
      return e;
    }
    return switch (ctx.statusCode()) {
      case 413 -> new StagecoachException(ErrorCode.PAYLOAD_TOO_LARGE,
          "request body is larger than " + config.maxBodyBytes() + " bytes");
      case 400 -> StagecoachException.invalidInput("the request is malformed");
      case 403 -> new StagecoachException(ErrorCode.FORBIDDEN, "this origin may not call the API");
      default -> ctx.failure() != null ? ctx.failure() : new StagecoachException(ErrorCode.INTERNAL, "internal error");
    };
  }

  /**
   * A request Netty could not decode (a line or headers too long, bad HTTP) or {@link HttpEdge}
   * refused (ambiguous framing, an unsupported version): a JSON error, then the connection closes.
   */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof HttpEdge.Refusal refusal ? refusal.status()
        : cause instanceof TooLongHttpLineException ? 414 : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String message = cause instanceof HttpEdge.Refusal ? cause.getMessage() : switch (status) {
      case 414 -> "the request line is too long";
      case 431 -> "the request headers are too large";
      default -> "the request is not valid HTTP";
    };
    SecurityHeaders.apply(request.response().headers());
    request.response().setStatusCode(status).putHeader("Content-Type", Responses.JSON)
        .end(StagecoachException.invalidInput(message).toJson().encode())
        .onComplete(v -> request.connection().close());
  }

  /** Writes the development token to {@code auth.devTokenFile}, readable by its owner only, when one is set. */
  private Future<Authenticator> writeDevelopmentToken(Authenticator authenticator) {
    String file = auth.devTokenFile();
    if (file == null || authenticator.developmentToken().isEmpty()) {
      return Future.succeededFuture(authenticator);
    }
    String token = authenticator.developmentToken().get();
    return vertx.executeBlocking(() -> {
      Path path = Path.of(file);
      Files.deleteIfExists(path);
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(path, token + "\n");
      return authenticator;
    }).recover(e -> Future.failedFuture(new ConfigException(
        "auth.devTokenFile " + file + " cannot be written: " + e.getMessage())));
  }
}
