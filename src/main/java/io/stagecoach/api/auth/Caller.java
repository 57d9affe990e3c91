package io.stagecoach.api.auth;

import java.util.Set;

/**
 * Who made a request, as its verified token says.
 *
 * @param subject the token's {@code sub}; the actor in audit entries
 * @param tenant the token's {@code tenant}: the only tenant a non-operator sees
 * @param roles the roles of the token's {@code roles} claim that this version knows
 */
public record Caller(String subject, String tenant, Set<Role> roles) {
  public Caller {
    roles = Set.copyOf(roles);
  }

  /** Whether one of the caller's roles grants {@code required}. */
  public boolean has(Role required) {
    return roles.stream().anyMatch(role -> role.includes(required));
  }

  public boolean isOperator() {
    return has(Role.OPERATOR);
  }
}
