-- Jobs, their logs and per-job log counters (SPEC §2-§3). Applied once by io.stagecoach.store.pg.Migrator.
-- Every timestamp is written by the engine from its own clock, with millisecond precision.

CREATE TABLE stagecoach_jobs (
  id               uuid        PRIMARY KEY,          -- UUIDv7: byte order is creation order
  type             text        NOT NULL,
  tenant           text        NOT NULL,
  status           text        NOT NULL
                   CHECK (status IN ('queued', 'running', 'cancelling', 'succeeded', 'failed', 'cancelled')),
  priority         integer     NOT NULL,
  input            jsonb,
  result           jsonb,
  error            jsonb,                            -- {"code", "message"}
  attempt          integer     NOT NULL,
  max_attempts     integer     NOT NULL,
  timeout_ms       bigint      NOT NULL,
  lock_spec        jsonb,                            -- {"key", "onBusy"}
  idempotency_key  text,
  fingerprint      text,                             -- hash of the submission, to tell a replay from a conflict
  labels           jsonb       NOT NULL DEFAULT '{}',
  created_at       timestamptz NOT NULL,
  run_at           timestamptz NOT NULL,
  started_at       timestamptz,
  finished_at      timestamptz,
  updated_at       timestamptz NOT NULL,
  version          bigint      NOT NULL,
  stages           jsonb       NOT NULL DEFAULT '[]', -- [{key, name, weight, status, progress, startedAt, finishedAt, params}]
  lease_owner      text,
  lease_expires_at timestamptz
);

-- An idempotency key names at most one job per tenant; insert relies on it (ON CONFLICT).
CREATE UNIQUE INDEX stagecoach_jobs_idempotency ON stagecoach_jobs (tenant, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- claimDue walks queued jobs in claim order: highest priority, then earliest run_at.
CREATE INDEX stagecoach_jobs_claim ON stagecoach_jobs (priority DESC, run_at, id)
  WHERE status = 'queued';

-- nextRunAt: the earliest run_at of a queued job.
CREATE INDEX stagecoach_jobs_next_run ON stagecoach_jobs (run_at)
  WHERE status = 'queued';

-- expiredLeases: active jobs by lease end.
CREATE INDEX stagecoach_jobs_leases ON stagecoach_jobs (lease_expires_at)
  WHERE status IN ('running', 'cancelling');

-- list: newest first (id DESC) within the usual filters; labels through jsonb containment.
CREATE INDEX stagecoach_jobs_tenant_id ON stagecoach_jobs (tenant, id);
CREATE INDEX stagecoach_jobs_tenant_status_id ON stagecoach_jobs (tenant, status, id);
CREATE INDEX stagecoach_jobs_status_id ON stagecoach_jobs (status, id);
CREATE INDEX stagecoach_jobs_type_id ON stagecoach_jobs (type, id);
CREATE INDEX stagecoach_jobs_labels ON stagecoach_jobs USING gin (labels jsonb_path_ops);

-- Per job: the last seq handed out and how many lines the cap has dropped.
CREATE TABLE stagecoach_job_log_counters (
  job_id   uuid   PRIMARY KEY REFERENCES stagecoach_jobs (id) ON DELETE CASCADE,
  last_seq bigint NOT NULL,
  dropped  bigint NOT NULL DEFAULT 0
);

CREATE TABLE stagecoach_job_logs (
  job_id  uuid   NOT NULL REFERENCES stagecoach_job_log_counters (job_id) ON DELETE CASCADE,
  seq     bigint NOT NULL,
  at      timestamptz,
  level   text,
  stage   text,
  message text,
  PRIMARY KEY (job_id, seq)
);
