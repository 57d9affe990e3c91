-- Webhook subscriptions, pending deliveries and their attempt log (SPEC §7). Applied once by
-- io.stagecoach.store.pg.Migrator. Every timestamp is written by the engine from its own clock.

CREATE TABLE stagecoach_webhooks (
  id                         uuid        PRIMARY KEY,     -- UUIDv7: id order is creation order
  tenant                     text        NOT NULL,
  url                        text        NOT NULL,
  events                     jsonb       NOT NULL,        -- ["job.failed", "job.*", ...]
  description                text,
  created_at                 timestamptz NOT NULL,
  disabled_at                timestamptz,
  disabled_reason            text,
  failing_since              timestamptz,
  secret                     text        NOT NULL,        -- whsec_...
  previous_secret            text,
  previous_secret_expires_at timestamptz
);

CREATE INDEX stagecoach_webhooks_tenant_id ON stagecoach_webhooks (tenant, id);

CREATE TABLE stagecoach_webhook_deliveries (
  id              uuid        PRIMARY KEY,                -- UUIDv7
  webhook_id      uuid        NOT NULL REFERENCES stagecoach_webhooks (id) ON DELETE CASCADE,
  tenant          text        NOT NULL,
  event_id        text        NOT NULL,                   -- the webhook-id header, on every attempt
  event_type      text        NOT NULL,
  body            text        NOT NULL,                   -- text, not jsonb: re-sent byte for byte
  status          text        NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  created_at      timestamptz NOT NULL,
  finished_at     timestamptz
);

-- claimDue: pending deliveries by due time.
CREATE INDEX stagecoach_webhook_deliveries_due ON stagecoach_webhook_deliveries (next_attempt_at)
  WHERE status = 'pending';
-- The delivery log of one webhook, newest first.
CREATE INDEX stagecoach_webhook_deliveries_webhook ON stagecoach_webhook_deliveries (webhook_id, id);

CREATE TABLE stagecoach_webhook_attempts (
  delivery_id uuid        NOT NULL REFERENCES stagecoach_webhook_deliveries (id) ON DELETE CASCADE,
  number      integer     NOT NULL,
  at          timestamptz NOT NULL,
  status_code integer,
  latency_ms  bigint      NOT NULL,
  error       text,
  address     text,                                       -- ip:port connected to
  response    text,                                       -- the start of the response body
  PRIMARY KEY (delivery_id, number)
);
