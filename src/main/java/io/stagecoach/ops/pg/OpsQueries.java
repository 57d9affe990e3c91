package io.stagecoach.ops.pg;

/** Every statement of {@link PgOpsStore}, with {@code $n} placeholders. */
final class OpsQueries {
  private OpsQueries() {
  }

  static final String ALERT_COLUMNS = """
      id, tenant, type, subject, message, raised_at, acknowledged_at, acknowledged_by""";

  /** Serialises raises of one tenant, type and subject across processes until the transaction ends. */
  static final String LOCK_ALERT_KEY = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";

  /** $1..$6 the new alert; $7 the start of the dedup window. No row comes back for a duplicate. */
  static final String RAISE_ALERT = """
      INSERT INTO stagecoach_alerts (id, tenant, type, subject, message, raised_at)
      SELECT $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::timestamptz
       WHERE NOT EXISTS (SELECT 1 FROM stagecoach_alerts
                          WHERE tenant = $2 AND type = $3 AND subject = $4 AND raised_at > $7)
      RETURNING id
      """;

  static final String GET_ALERT = "SELECT " + ALERT_COLUMNS + " FROM stagecoach_alerts WHERE id = $1";

  /** $1 tenant or null for all, $2 before this id or null, $3 limit. */
  static final String LIST_ALERTS = "SELECT " + ALERT_COLUMNS + """
       FROM stagecoach_alerts
      WHERE ($1::text IS NULL OR tenant = $1) AND ($2::uuid IS NULL OR id < $2)
      ORDER BY id DESC
      LIMIT $3
      """;

  /** Keeps the first acknowledgement: an acknowledged alert is returned unchanged. */
  static final String ACKNOWLEDGE_ALERT = """
      UPDATE stagecoach_alerts
         SET acknowledged_at = COALESCE(acknowledged_at, $2),
             acknowledged_by = COALESCE(acknowledged_by, $3)
       WHERE id = $1
      RETURNING""" + " " + ALERT_COLUMNS;

  static final String APPEND_AUDIT = """
      INSERT INTO stagecoach_audit (id, at, actor, tenant, action, target, before, after)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      """;

  /** Deletes up to $2 of the oldest alerts raised before $1. */
  static final String PRUNE_ALERTS = """
      DELETE FROM stagecoach_alerts WHERE id IN (
        SELECT id FROM stagecoach_alerts WHERE raised_at < $1 ORDER BY raised_at LIMIT $2)
      """;

  /** Deletes up to $2 of the oldest audit entries written before $1. */
  static final String PRUNE_AUDIT = """
      DELETE FROM stagecoach_audit WHERE id IN (
        SELECT id FROM stagecoach_audit WHERE at < $1 ORDER BY at LIMIT $2)
      """;

  /** $1 tenant or null for all, $2 before this id or null, $3 limit. */
  static final String LIST_AUDIT = """
      SELECT id, at, actor, tenant, action, target, before, after
        FROM stagecoach_audit
       WHERE ($1::text IS NULL OR tenant = $1) AND ($2::uuid IS NULL OR id < $2)
       ORDER BY id DESC
       LIMIT $3
      """;
}
