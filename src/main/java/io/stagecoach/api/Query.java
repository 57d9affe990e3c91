package io.stagecoach.api;

import io.stagecoach.job.StagecoachException;
import io.vertx.ext.web.RoutingContext;

/** Typed query parameters; a malformed one is {@code invalid_input}, never a silent default. */
final class Query {
  private Query() {
  }

  static long whole(RoutingContext ctx, String name, long fallback, long min, long max) {
    String value = ctx.queryParams().get(name);
    if (value == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw StagecoachException.invalidInput(name, "must be a whole number");
    }
    if (n < min || n > max) {
      throw StagecoachException.invalidInput(name, "must be between " + min + " and " + max);
    }
    return n;
  }
}
