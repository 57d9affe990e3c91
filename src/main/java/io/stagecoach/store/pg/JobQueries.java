package io.stagecoach.store.pg;

/**
 * Every statement {@link PgJobStore} runs, by name. Values always travel as {@code $n} parameters;
 * "now" is always a parameter too, read from the engine's clock, never the database's.
 */
final class JobQueries {
  private JobQueries() {
  }

  /** The channel a process notifies when it makes jobs runnable, so other processes' runners wake. */
  static final String WAKE_CHANNEL = "stagecoach_jobs";

  /** Notifies {@link #WAKE_CHANNEL} with $1, the notifying store's id, which its own listener ignores. */
  static final String NOTIFY_WAKE = "SELECT pg_notify('" + WAKE_CHANNEL + "', $1)";

  /**
   * Inserts many jobs in one statement, one array per column ({@link JobRows#insertManyParams}),
   * jsonb values as text. A job whose idempotency key the tenant already used (in the table or
   * earlier in the same batch) inserts nothing and returns no row.
   */
  static final String INSERT_MANY = """
      INSERT INTO stagecoach_jobs (
        id, type, tenant, status, priority, input, result, error, attempt, max_attempts, timeout_ms,
        lock_spec, idempotency_key, fingerprint, labels, created_at, run_at, started_at, finished_at,
        updated_at, version, stages, lease_owner, lease_expires_at)
      SELECT j.id, j.type, j.tenant, j.status, j.priority, j.input::jsonb, j.result::jsonb, j.error::jsonb,
        j.attempt, j.max_attempts, j.timeout_ms, j.lock_spec::jsonb, j.idempotency_key, j.fingerprint,
        j.labels::jsonb, j.created_at, j.run_at, j.started_at, j.finished_at, j.updated_at, j.version,
        j.stages::jsonb, j.lease_owner, j.lease_expires_at
      FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[],
          $9::int[], $10::int[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[],
          $16::timestamptz[], $17::timestamptz[], $18::timestamptz[], $19::timestamptz[], $20::timestamptz[],
          $21::bigint[], $22::text[], $23::text[], $24::timestamptz[])
        WITH ORDINALITY AS j (id, type, tenant, status, priority, input, result, error, attempt, max_attempts,
          timeout_ms, lock_spec, idempotency_key, fingerprint, labels, created_at, run_at, started_at,
          finished_at, updated_at, version, stages, lease_owner, lease_expires_at, n)
      ORDER BY j.n
      ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
      RETURNING *
      """;

  /**
   * {@link #INSERT_MANY} for a batch with no idempotency key (so nothing to replay or to conflict
   * with), together with its outbox rows ($25-$29: event ids, tenants, types, job ids, bodies) and
   * the wake-up of other processes ($30, the store's id; null when no job is queued): one statement,
   * committed on its own, so a submission costs one round trip rather than three.
   */
  static final String INSERT_UNKEYED = "WITH inserted AS (\n" + INSERT_MANY + "),\n" + """
      recorded AS (
        INSERT INTO stagecoach_outbox (event_id, tenant, type, job_id, body)
        SELECT * FROM unnest($25::text[], $26::text[], $27::text[], $28::uuid[], $29::text[])
      ),
      woken AS (
        SELECT pg_notify('%s', $30) WHERE $30 IS NOT NULL
      )
      SELECT inserted.*, (SELECT count(*) FROM woken) AS woken FROM inserted
      """.formatted(WAKE_CHANNEL);

  static final String SELECT_BY_IDEMPOTENCY_KEY = """
      SELECT * FROM stagecoach_jobs WHERE tenant = $1 AND idempotency_key = $2
      """;

  static final String SELECT_BY_ID = """
      SELECT * FROM stagecoach_jobs WHERE id = $1
      """;

  /** Locks many rows in id order, the one order every batch writer uses. */
  static final String SELECT_MANY_FOR_UPDATE = """
      SELECT * FROM stagecoach_jobs WHERE id = ANY($1) ORDER BY id FOR UPDATE
      """;

  /**
   * A page, newest first. A null parameter switches its filter off; statements are prepared per
   * execution (no statement cache), so the planner sees the values and picks the index that fits.
   */
  static final String LIST = """
      SELECT * FROM stagecoach_jobs
      WHERE ($1::text IS NULL OR tenant = $1)
        AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR type = $3)
        AND ($4::jsonb IS NULL OR (labels @> $4 AND labels <> '{}'::jsonb))
        AND ($5::uuid IS NULL OR id < $5)
      ORDER BY id DESC
      LIMIT $6
      """;

  /**
   * Everything a batch of writes stores, as one statement (so a transaction needs no more than its
   * row locks, this, and COMMIT, which travels with it; see {@link PipelinedTransaction}). Empty
   * arrays leave a part out.
   * <ul>
   *   <li>$1-$21: the jobs written back, every field a mutation may change (type, tenant and
   *       createdAt never change), one array per column ({@link JobRows#writeBatchParams}), jsonb
   *       values as text;
   *   <li>$22-$26: log lines (job, at, level, stage, message), numbered per job in array order after
   *       the job's last seq ({@code log_seq}), which the update of the job's row moves on (its row
   *       lock orders concurrent appends); the row of a job with lines that the batch does not write
   *       (a log append alone) is updated for its seq only; lines past the cap $27 are not stored,
   *       and stored lines the cap pushes out are deleted;
   *   <li>$28-$32: outbox events (ids, tenants, types, job ids, bodies); a job's waiting
   *       {@code job.progress} event is replaced by the newer one;
   *   <li>$33: when not null, a {@link #WAKE_CHANNEL} notification with this payload;
   *   <li>$35: whether the batch is optimistic, its rows neither read nor locked before: then each
   *       job is locked here (in id order, as every writer locks them) and written only if it has the
   *       version $34 expects, and its log lines and events only with it.
   * </ul>
   * Answers the ids of the jobs updated, and of those whose seq alone moved on.
   * A job's dropped count is not stored: its last seq less the lines it still has.
   */
  static final String WRITE_BATCH = """
      WITH locked AS (
        SELECT job.id FROM stagecoach_jobs AS job
        JOIN unnest($1::uuid[], $34::bigint[]) AS e (id, expected_version) ON job.id = e.id
        WHERE $35::boolean AND job.version = e.expected_version
        ORDER BY job.id
        FOR UPDATE OF job
      ),
      counted AS (
        SELECT job_id, count(*) AS n FROM unnest($22::uuid[]) AS l (job_id) GROUP BY job_id
      ),
      updated AS (
        UPDATE stagecoach_jobs AS job SET
          status = u.status, priority = u.priority, input = u.input::jsonb, result = u.result::jsonb,
          error = u.error::jsonb, attempt = u.attempt, max_attempts = u.max_attempts, timeout_ms = u.timeout_ms,
          lock_spec = u.lock_spec::jsonb, idempotency_key = u.idempotency_key, fingerprint = u.fingerprint,
          labels = u.labels::jsonb, run_at = u.run_at, started_at = u.started_at, finished_at = u.finished_at,
          updated_at = u.updated_at, version = u.version, stages = u.stages::jsonb, lease_owner = u.lease_owner,
          lease_expires_at = u.lease_expires_at,
          log_seq = job.log_seq + coalesce(counted.n, 0)
        FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[],
            $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::timestamptz[], $15::timestamptz[],
            $16::timestamptz[], $17::timestamptz[], $18::bigint[], $19::text[], $20::text[], $21::timestamptz[])
          AS u (id, status, priority, input, result, error, attempt, max_attempts, timeout_ms, lock_spec,
            idempotency_key, fingerprint, labels, run_at, started_at, finished_at, updated_at, version, stages,
            lease_owner, lease_expires_at)
          LEFT JOIN counted ON counted.job_id = u.id
        WHERE job.id = u.id AND (NOT $35::boolean OR job.id IN (SELECT id FROM locked))
        RETURNING job.id, job.log_seq
      ),
      renumbered AS (
        UPDATE stagecoach_jobs AS job SET log_seq = job.log_seq + counted.n
        FROM counted
        WHERE job.id = counted.job_id AND NOT $35::boolean AND counted.job_id <> ALL($1::uuid[])
        RETURNING job.id, job.log_seq
      ),
      reserved AS (
        SELECT id AS job_id, log_seq AS last_seq FROM updated WHERE id IN (SELECT job_id FROM counted)
        UNION ALL
        SELECT id, log_seq FROM renumbered
      ),
      line AS (
        SELECT l.job_id, l.at, l.level, l.stage, l.message,
          count(*) OVER (PARTITION BY l.job_id) AS n,
          row_number() OVER (PARTITION BY l.job_id ORDER BY l.ord) AS i
        FROM unnest($22::uuid[], $23::timestamptz[], $24::text[], $25::text[], $26::text[])
          WITH ORDINALITY AS l (job_id, at, level, stage, message, ord)
      ),
      kept AS (
        INSERT INTO stagecoach_job_logs (job_id, seq, at, level, stage, message)
        SELECT line.job_id, reserved.last_seq - line.n + line.i, line.at, line.level, line.stage, line.message
        FROM line JOIN reserved USING (job_id)
        WHERE reserved.last_seq - line.n + line.i > reserved.last_seq - $27
      ),
      pushed_out AS (
        DELETE FROM stagecoach_job_logs AS log USING reserved
        WHERE log.job_id = reserved.job_id AND reserved.last_seq > $27 AND log.seq <= reserved.last_seq - $27
      ),
      recorded AS (
        INSERT INTO stagecoach_outbox (event_id, tenant, type, job_id, body)
        SELECT * FROM unnest($28::text[], $29::text[], $30::text[], $31::uuid[], $32::text[])
          AS o (event_id, tenant, type, job_id, body)
        WHERE NOT $35::boolean OR o.job_id IN (SELECT id FROM updated)
        ON CONFLICT (job_id) WHERE type = 'job.progress'
        DO UPDATE SET event_id = EXCLUDED.event_id, body = EXCLUDED.body
      ),
      woken AS (
        SELECT pg_notify('%s', $33) WHERE $33::text IS NOT NULL
      )
      SELECT id, (SELECT count(*) FROM woken) AS woken FROM updated
      UNION ALL
      SELECT id, 0 FROM renumbered
      """.formatted(WAKE_CHANNEL);

  /**
   * Claims due jobs in one statement: $1 now, $2 limit, $3 runner, $4 lease end. The function
   * (migration {@code V007__claim_function.sql}) walks the claim index in order and skips the rows
   * other claimers hold.
   */
  static final String CLAIM_DUE = "SELECT * FROM stagecoach_claim_due($1, $2, $3, $4)";

  /**
   * {@link #CLAIM_DUE} starting after a position in claim order: $5 priority, $6 run_at, $7 id (the
   * function of migration {@code V012__claim_after_the_last_claimed.sql}).
   */
  static final String CLAIM_DUE_AFTER = "SELECT * FROM stagecoach_claim_due_after($1, $2, $3, $4, $5, $6, $7)";

  /**
   * Records the start of claimed attempts: $1 ids, $2 start times, $3 runner, $4..$8 the outbox
   * columns of their subscribed events; answers the ids started (the function of migration
   * {@code V017__attempts_start_after_the_claim.sql}).
   */
  static final String START_ATTEMPTS = "SELECT * FROM stagecoach_start_attempts($1, $2, $3, $4, $5, $6, $7, $8)";

  static final String NEXT_RUN_AT = """
      SELECT min(run_at) AS next_run_at FROM stagecoach_jobs WHERE status = 'queued'
      """;

  /**
   * Extends the runner's own leases: $1 ids, $2 runner, $3 new lease end. Bookkeeping: no version
   * bump. Rows are locked in id order, the order every batch writer uses: locked in any other,
   * a renewal and a batch of ends on the same jobs deadlocked.
   */
  static final String RENEW_LEASES = """
      WITH mine AS (
        SELECT id FROM stagecoach_jobs
        WHERE id = ANY($1) AND lease_owner = $2 AND status IN ('running', 'cancelling')
        ORDER BY id
        FOR UPDATE
      )
      UPDATE stagecoach_jobs AS job SET lease_expires_at = $3
      FROM mine
      WHERE job.id = mine.id
      RETURNING job.*
      """;

  static final String EXPIRED_LEASES = """
      SELECT * FROM stagecoach_jobs
      WHERE status IN ('running', 'cancelling') AND lease_expires_at < $1
      ORDER BY lease_expires_at
      LIMIT $2
      """;

  /**
   * Lines of job $1 after seq $2, at most $3, with the dropped count (lines numbered less lines
   * kept); no row when the job has no log.
   */
  static final String LOG_PAGE = """
      SELECT job.log_seq - (SELECT count(*) FROM stagecoach_job_logs WHERE job_id = job.id) AS dropped,
        line.seq, line.at, line.level, line.stage, line.message
      FROM stagecoach_jobs AS job
      LEFT JOIN LATERAL (
        SELECT seq, at, level, stage, message FROM stagecoach_job_logs
        WHERE job_id = job.id AND seq > $2
        ORDER BY seq
        LIMIT $3
      ) AS line ON true
      WHERE job.id = $1 AND job.log_seq > 0
      ORDER BY line.seq
      """;

  /** Jobs per status not finished; each status's part walks its partial index (claim, leases). */
  static final String COUNT_ACTIVE = """
      SELECT 'queued' AS status, count(*) AS n FROM stagecoach_jobs WHERE status = 'queued'
      UNION ALL
      SELECT status, count(*) AS n FROM stagecoach_jobs WHERE status IN ('running', 'cancelling') GROUP BY status
      """;

  /**
   * Deletes up to $2 jobs finished before $1, oldest first (the candidates of migration
   * {@code V014__indexes_off_the_hot_path.sql}, each checked again under its row lock: a retry may
   * have queued it meanwhile), with their log lines; answers their ids.
   */
  static final String PRUNE_FINISHED = """
      WITH pruned AS (
        DELETE FROM stagecoach_jobs WHERE id IN (
          SELECT id FROM stagecoach_jobs
          WHERE id IN (SELECT stagecoach_prune_candidates($1, $2))
            AND status IN ('succeeded', 'failed', 'cancelled') AND finished_at < $1
          FOR UPDATE SKIP LOCKED)
        RETURNING id
      ),
      lines AS (
        DELETE FROM stagecoach_job_logs WHERE job_id IN (SELECT id FROM pruned)
      )
      SELECT id FROM pruned
      """;

  /**
   * Records events in the outbox, one per row of the arrays ($1 event ids, $2 tenants, $3 types,
   * $4 job ids, $5 bodies); a job's waiting job.progress event is replaced by the newer one.
   */
  static final String INSERT_OUTBOX = """
      INSERT INTO stagecoach_outbox (event_id, tenant, type, job_id, body)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[])
      ON CONFLICT (job_id) WHERE type = 'job.progress'
      DO UPDATE SET event_id = EXCLUDED.event_id, body = EXCLUDED.body
      """;

  static final String PING = "SELECT 1";
}
