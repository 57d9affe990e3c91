package io.stagecoach.api.auth;

import io.stagecoach.job.ErrorCode;
import io.stagecoach.job.StagecoachException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The two route handlers that guard the API: {@link #authenticate} (a bearer token, or {@code 401}
 * with a {@code WWW-Authenticate} challenge) and {@link #require} (a role, or {@code 403}).
 */
public final class Access {
  public static final String REALM = "stagecoach";
  public static final String WWW_AUTHENTICATE = "WWW-Authenticate";
  /** The challenge of a {@code 401} whose request carried no token (RFC 6750 §3). */
  public static final String CHALLENGE = "Bearer realm=\"" + REALM + "\"";
  private static final String CALLER = Access.class.getName() + ".caller";
  private static final String BEARER = "bearer ";

  private Access() {
  }

  /** Verifies the request's bearer token and keeps its {@link Caller} on the context for the handlers after. */
  public static Handler<RoutingContext> authenticate(Authenticator authenticator) {
    return ctx -> {
      String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
      if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())
          || header.substring(BEARER.length()).isBlank()) {
        ctx.response().putHeader(WWW_AUTHENTICATE, CHALLENGE);
        ctx.fail(new StagecoachException(ErrorCode.UNAUTHORIZED, header == null
            ? "this endpoint needs a token: send Authorization: Bearer <token>"
            : "the Authorization header must be Bearer <token>"));
        return;
      }
      // The body is read by a handler after this one: hold it while the token is checked.
      boolean paused = !ctx.request().isEnded();
      if (paused) {
        ctx.request().pause();
      }
      authenticator.authenticate(header.substring(BEARER.length()).trim()).onComplete(ar -> {
        if (paused) {
          ctx.request().resume();
        }
        if (ar.succeeded()) {
          ctx.put(CALLER, ar.result());
          ctx.next();
        } else {
          ctx.response().putHeader(WWW_AUTHENTICATE, CHALLENGE + ", error=\"invalid_token\", error_description=\""
              + quotable(ar.cause().getMessage()) + "\"");
          ctx.fail(ar.cause());
        }
      });
    };
  }

  /** Lets the request on only if its caller holds {@code role} (or one above it); else {@code 403 forbidden}. */
  public static Handler<RoutingContext> require(Role role) {
    return ctx -> {
      Caller caller = ctx.get(CALLER);
      if (caller != null && caller.has(role)) {
        ctx.next();
      } else {
        ctx.fail(new StagecoachException(ErrorCode.FORBIDDEN, "this needs the " + role.wire() + " role",
            new JsonObject().put("requiredRole", role.wire())));
      }
    };
  }

  /** The caller {@link #authenticate} let through. */
  public static Caller caller(RoutingContext ctx) {
    return callerOf(ctx).orElseThrow(() -> new IllegalStateException("route is not behind Access.authenticate"));
  }

  /** The caller, if the request has been authenticated. */
  public static Optional<Caller> callerOf(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(CALLER));
  }

  private static String quotable(String text) {
    return String.valueOf(text).replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "'");
  }
}
