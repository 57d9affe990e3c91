-- The webhook outbox (SPEC §7): a job change and the events it announces are stored in one
-- transaction; the webhook dispatcher takes events from here (SKIP LOCKED, so engine processes
-- share the work) and turns them into deliveries in another. Applied once by
-- io.stagecoach.store.pg.Migrator.

CREATE TABLE stagecoach_outbox (
  seq        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,  -- outbox order
  event_id   text        NOT NULL,                                  -- the webhook-id of its deliveries
  tenant     text        NOT NULL,
  type       text        NOT NULL,
  job_id     uuid,                                                  -- null for an event about no job
  body       text        NOT NULL                                   -- the envelope, byte for byte
);

-- Latest wins: a job has at most one job.progress event waiting; a newer one replaces it in place.
CREATE UNIQUE INDEX stagecoach_outbox_progress ON stagecoach_outbox (job_id) WHERE type = 'job.progress';
