package io.stagecoach.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;

/** The headers every answer carries, and the CORS handler when origins are configured. */
final class SecurityHeaders {
  private static final Set<String> REQUEST_HEADERS =
      Set.of("Authorization", "Content-Type", "Idempotency-Key", "If-None-Match");
  private static final Set<String> EXPOSED_HEADERS = Set.of("ETag", "Location", "WWW-Authenticate");
  private static final int CORS_MAX_AGE_SECONDS = 600;

  private SecurityHeaders() {
  }

  /** An API answer is JSON for a program: never sniffed, framed, cached, or allowed to load anything. */
  static void apply(MultiMap headers) {
    headers
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        .set("Referrer-Policy", "no-referrer")
        .set("Cross-Origin-Resource-Policy", "same-origin")
        .set(HttpHeaders.CACHE_CONTROL, "no-store");
  }

  /** Lets the browsers of {@code origins} call the API with a bearer token; others get no CORS headers. */
  static CorsHandler cors(List<String> origins) {
    return CorsHandler.create()
        .addOrigins(origins)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE))
        .allowedHeaders(REQUEST_HEADERS)
        .exposedHeaders(EXPOSED_HEADERS)
        .maxAgeSeconds(CORS_MAX_AGE_SECONDS);
  }
}
