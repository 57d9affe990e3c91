package io.stagecoach.api.auth;

import java.util.Optional;

/**
 * The roles a token's {@code roles} claim can grant (SPEC §9). Each includes the ones ranked below
 * it: a submitter may do what a viewer may, an operator everything, in every tenant.
 */
public enum Role {
  /** Reads its own tenant's jobs, logs and the job types. */
  VIEWER("viewer", 1),
  /** Also submits, cancels and retries its own tenant's jobs. */
  SUBMITTER("submitter", 2),
  /** Also manages its own tenant's webhooks, locks, alerts and audit. */
  ADMIN("admin", 3),
  /** Everything, in every tenant; the only role that may name a tenant. */
  OPERATOR("operator", 4);

  private final String wire;
  private final int rank;

  Role(String wire, int rank) {
    this.wire = wire;
    this.rank = rank;
  }

  public String wire() {
    return wire;
  }

  /** Whether holding this role grants {@code other}. */
  public boolean includes(Role other) {
    return rank >= other.rank;
  }

  /** The role a claim value names; empty for a name this version does not know. */
  public static Optional<Role> fromWire(String name) {
    for (Role role : values()) {
      if (role.wire.equals(name)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }
}
