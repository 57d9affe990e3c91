-- Alerts and the audit log (SPEC §8). Applied once by io.stagecoach.store.pg.Migrator. Every
-- timestamp is written by the engine from its own clock.

CREATE TABLE stagecoach_alerts (
  id              uuid        PRIMARY KEY,                -- UUIDv7: id order is raise order
  tenant          text        NOT NULL,
  type            text        NOT NULL,                   -- job.failing, job.timeout, webhook.disabled
  subject         text        NOT NULL,                   -- job type, job id, webhook id
  message         text        NOT NULL,
  raised_at       timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text
);

-- Dedup: the latest alert of one tenant, type and subject.
CREATE INDEX stagecoach_alerts_dedup ON stagecoach_alerts (tenant, type, subject, raised_at);
-- A tenant's alerts, newest first.
CREATE INDEX stagecoach_alerts_tenant_id ON stagecoach_alerts (tenant, id);

CREATE TABLE stagecoach_audit (
  id      uuid        PRIMARY KEY,                        -- UUIDv7: id order is time order
  at      timestamptz NOT NULL,
  actor   text        NOT NULL,                           -- the token's sub
  tenant  text        NOT NULL,
  action  text        NOT NULL,                           -- job.submit, webhook.delete, lock.forceRelease, ...
  target  text,
  before  jsonb,
  after   jsonb
);

-- A tenant's audit log, newest first.
CREATE INDEX stagecoach_audit_tenant_id ON stagecoach_audit (tenant, id);
