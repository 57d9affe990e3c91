package io.stagecoach.webhook.pg;

/** Every statement of {@link PgWebhookStore}, with {@code $n} placeholders. */
final class WebhookQueries {
  private WebhookQueries() {
  }

  static final String SUBSCRIPTION_COLUMNS = """
      id, tenant, url, events, description, created_at, disabled_at, disabled_reason, failing_since,
      secret, previous_secret, previous_secret_expires_at""";

  /**
   * Held until the transaction ends: creates for one tenant ($1) queue here, so that each counts
   * the ones committed before it. Two-key form (1466262120 is "Webh" in ASCII), apart from the
   * migrator's one-key lock.
   */
  static final String LOCK_TENANT = """
      SELECT pg_advisory_xact_lock(1466262120, hashtext($1))
      """;

  /** Inserts nothing when tenant $2 already has $13 subscriptions. */
  static final String INSERT_SUBSCRIPTION = """
      INSERT INTO stagecoach_webhooks (id, tenant, url, events, description, created_at, disabled_at, disabled_reason,
        failing_since, secret, previous_secret, previous_secret_expires_at)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
       WHERE (SELECT count(*) FROM stagecoach_webhooks WHERE tenant = $2) < $13::int
      """;

  static final String GET_SUBSCRIPTION = "SELECT " + SUBSCRIPTION_COLUMNS + " FROM stagecoach_webhooks WHERE id = $1";

  /** $1 tenant or null for all, $2 after this id or null, $3 limit. */
  static final String LIST_SUBSCRIPTIONS = "SELECT " + SUBSCRIPTION_COLUMNS + """
       FROM stagecoach_webhooks
      WHERE ($1::text IS NULL OR tenant = $1) AND ($2::uuid IS NULL OR id > $2)
      ORDER BY id
      LIMIT $3
      """;

  static final String ACTIVE_SUBSCRIPTIONS = "SELECT " + SUBSCRIPTION_COLUMNS + """
       FROM stagecoach_webhooks
      WHERE ($1::text IS NULL OR tenant = $1) AND disabled_at IS NULL
      ORDER BY id
      """;

  static final String DELETE_SUBSCRIPTION = "DELETE FROM stagecoach_webhooks WHERE id = $1";

  static final String ROTATE_SECRET = """
      UPDATE stagecoach_webhooks
         SET previous_secret = secret, secret = $2, previous_secret_expires_at = $3
       WHERE id = $1
      RETURNING""" + " " + SUBSCRIPTION_COLUMNS;

  static final String MARK_FAILING = """
      UPDATE stagecoach_webhooks SET failing_since = $2 WHERE id = $1 AND failing_since IS NULL
      """;

  static final String MARK_HEALTHY = """
      UPDATE stagecoach_webhooks SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL
      """;

  static final String DISABLE = """
      UPDATE stagecoach_webhooks SET disabled_at = $2, disabled_reason = $3 WHERE id = $1 AND disabled_at IS NULL
      """;

  /** Leaves an active subscription as it is: its failingSince still counts towards disabling it. */
  static final String ENABLE = """
      UPDATE stagecoach_webhooks
         SET disabled_at = NULL, disabled_reason = NULL,
             failing_since = CASE WHEN disabled_at IS NULL THEN failing_since END
       WHERE id = $1
      RETURNING""" + " " + SUBSCRIPTION_COLUMNS;

  static final String DELIVERY_COLUMNS = """
      id, webhook_id, tenant, event_id, event_type, body, status, attempts, next_attempt_at, created_at, finished_at""";

  /** Inserts nothing for a webhook deleted in the meantime. */
  static final String INSERT_DELIVERY = """
      INSERT INTO stagecoach_webhook_deliveries (id, webhook_id, tenant, event_id, event_type, body, status, attempts,
        next_attempt_at, created_at, finished_at)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
       WHERE EXISTS (SELECT 1 FROM stagecoach_webhooks WHERE id = $2)
      """;

  /** Takes up to $1 outbox events, oldest first, passing over those another relay holds. */
  static final String TAKE_OUTBOX = """
      DELETE FROM stagecoach_outbox WHERE seq IN (
        SELECT seq FROM stagecoach_outbox ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING seq, event_id, tenant, type, job_id, body
      """;

  static final String GET_DELIVERY = "SELECT " + DELIVERY_COLUMNS + " FROM stagecoach_webhook_deliveries WHERE id = $1";

  /** $1 webhook, $2 before this id or null, $3 limit. */
  static final String LIST_DELIVERIES = "SELECT " + DELIVERY_COLUMNS + """
       FROM stagecoach_webhook_deliveries
      WHERE webhook_id = $1 AND ($2::uuid IS NULL OR id < $2)
      ORDER BY id DESC
      LIMIT $3
      """;

  static final String ATTEMPTS_OF = """
      SELECT delivery_id, number, at, status_code, latency_ms, error, address, response
        FROM stagecoach_webhook_attempts
       WHERE delivery_id = ANY($1)
       ORDER BY delivery_id, number
      """;

  /** $1 now, $2 lease end, $3 limit. SKIP LOCKED: processes claiming at once take different rows. */
  static final String CLAIM_DUE = """
      WITH due AS (
        SELECT id FROM stagecoach_webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED
      )
      UPDATE stagecoach_webhook_deliveries d
         SET next_attempt_at = $2
        FROM due
       WHERE d.id = due.id
      RETURNING""" + " " + qualified("d", DELIVERY_COLUMNS);

  static final String INSERT_ATTEMPT = """
      INSERT INTO stagecoach_webhook_attempts (delivery_id, number, at, status_code, latency_ms, error, address, response)
      SELECT $1, attempts + 1, $2, $3, $4, $5, $6, $7 FROM stagecoach_webhook_deliveries WHERE id = $1
      """;

  /** $1 id, $2 attempts to add (0 or 1), $3 status, $4 next attempt, $5 finished at. */
  static final String SETTLE_DELIVERY = """
      UPDATE stagecoach_webhook_deliveries
         SET attempts = attempts + $2, status = $3, next_attempt_at = $4, finished_at = $5
       WHERE id = $1
      """;

  /** $1 finished before, $2 limit. Attempts go with their delivery (ON DELETE CASCADE). */
  static final String PRUNE_DELIVERIES = """
      DELETE FROM stagecoach_webhook_deliveries WHERE id IN (
        SELECT id FROM stagecoach_webhook_deliveries
         WHERE status <> 'pending' AND finished_at < $1
         ORDER BY finished_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
      """;

  private static String qualified(String alias, String columns) {
    return String.join(", ", java.util.Arrays.stream(columns.split(","))
        .map(c -> alias + "." + c.trim()).toList());
  }
}
