-- A claim no longer starts the attempt: the claimed job is running (leased, its attempt counted)
-- with started_at NULL until its runner records the start, right before the handler runs
-- (stagecoach_start_attempts below). A runner killed between the two leaves a claim without a
-- start, which the lease reaper gives back without spending the attempt; before, a SIGKILL spent an
-- attempt of every job claimed but not yet started, and a job with maxAttempts 1 could fail unrun.
-- The claim functions are V008's and V012's with that one change; CREATE OR REPLACE also replaces a
-- function's SET clauses, so V016's are stated again.
CREATE OR REPLACE FUNCTION stagecoach_claim_due(claim_at timestamptz, claim_limit integer, runner text,
                                                lease_until timestamptz)
RETURNS SETOF stagecoach_jobs
LANGUAGE plpgsql
SET enable_sort = off
AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  RETURN QUERY
  WITH due AS (
    SELECT id FROM stagecoach_jobs
    WHERE status = 'queued' AND run_at <= claim_at
    ORDER BY priority DESC, run_at, id
    LIMIT claim_limit
    FOR UPDATE SKIP LOCKED
  )
  UPDATE stagecoach_jobs AS job SET
    status = 'running',
    attempt = job.attempt + 1,
    started_at = NULL,
    lease_owner = runner,
    lease_expires_at = lease_until,
    version = job.version + 1,
    updated_at = claim_at
  FROM due
  WHERE job.id = due.id
  RETURNING job.*;
END
$$;

CREATE OR REPLACE FUNCTION stagecoach_claim_due_after(claim_at timestamptz, claim_limit integer, runner text,
                                           lease_until timestamptz, after_priority integer,
                                           after_run_at timestamptz, after_id uuid)
RETURNS SETOF stagecoach_jobs
LANGUAGE plpgsql
SET enable_sort = off
SET plan_cache_mode = force_generic_plan
SET enable_incremental_sort = off
SET enable_seqscan = off
AS $$
DECLARE
  due uuid[] := '{}';
  more uuid[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  -- A higher priority than the previous claim's last job.
  SELECT coalesce(array_agg(id), '{}') INTO more FROM (
    SELECT id FROM stagecoach_jobs
    WHERE status = 'queued' AND run_at <= claim_at AND priority > after_priority
    ORDER BY priority DESC, run_at, id
    LIMIT claim_limit
    FOR UPDATE SKIP LOCKED) AS higher;
  due := due || more;
  -- The same priority, after that job.
  IF cardinality(due) < claim_limit THEN
    SELECT coalesce(array_agg(id), '{}') INTO more FROM (
      SELECT id FROM stagecoach_jobs
      WHERE status = 'queued' AND run_at <= claim_at AND priority = after_priority
        AND (run_at, id) > (after_run_at, after_id)
      ORDER BY priority DESC, run_at, id
      LIMIT claim_limit - cardinality(due)
      FOR UPDATE SKIP LOCKED) AS same;
    due := due || more;
  END IF;
  -- A lower priority.
  IF cardinality(due) < claim_limit THEN
    SELECT coalesce(array_agg(id), '{}') INTO more FROM (
      SELECT id FROM stagecoach_jobs
      WHERE status = 'queued' AND run_at <= claim_at AND priority < after_priority
      ORDER BY priority DESC, run_at, id
      LIMIT claim_limit - cardinality(due)
      FOR UPDATE SKIP LOCKED) AS lower;
    due := due || more;
  END IF;
  RETURN QUERY
  UPDATE stagecoach_jobs AS job SET
    status = 'running',
    attempt = job.attempt + 1,
    started_at = NULL,
    lease_owner = runner,
    lease_expires_at = lease_until,
    version = job.version + 1,
    updated_at = claim_at
  WHERE job.id = ANY(due)
  RETURNING job.*;
END
$$;

-- Records the start of claimed attempts ($1 ids, $2 start times, $3 the runner) on the jobs still
-- leased to the runner, with their subscribed job.started events ($4..$8, the outbox columns), and
-- answers the ids started. Rows are locked in id order, as every batch writer does. Like a claim, a
-- start commits without waiting for its WAL flush: a database crash that loses it loses the claim
-- before it too, or leaves a claim without a start, and either way the job runs again.
CREATE FUNCTION stagecoach_start_attempts(ids uuid[], ats timestamptz[], runner text,
                                          event_ids text[], tenants text[], types text[], job_ids uuid[],
                                          bodies text[])
RETURNS SETOF uuid
LANGUAGE plpgsql
AS $$
DECLARE
  started uuid[];
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  WITH starts AS (
    SELECT * FROM unnest(ids, ats) AS s (id, at)
  ),
  mine AS (
    SELECT job.id FROM stagecoach_jobs AS job
    WHERE job.id = ANY(ids) AND job.lease_owner = runner AND job.status IN ('running', 'cancelling')
    ORDER BY job.id
    FOR UPDATE
  ),
  done AS (
    UPDATE stagecoach_jobs AS job SET
      started_at = starts.at,
      version = job.version + 1,
      updated_at = starts.at
    FROM mine JOIN starts ON starts.id = mine.id
    WHERE job.id = mine.id
    RETURNING job.id
  )
  SELECT coalesce(array_agg(id), '{}') INTO started FROM done;
  INSERT INTO stagecoach_outbox (event_id, tenant, type, job_id, body)
  SELECT e.event_id, e.tenant, e.type, e.job_id, e.body
  FROM unnest(event_ids, tenants, types, job_ids, bodies) AS e (event_id, tenant, type, job_id, body)
  WHERE e.job_id = ANY(started);
  RETURN QUERY SELECT unnest(started);
END
$$;
