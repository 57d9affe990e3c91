-- A claim can start where the runner's previous claim ended. Claimed jobs leave dead entries at the
-- head of the partial claim index (their row moved out of status 'queued'), which only VACUUM
-- removes: a claim walking from the head read past all of them, so a drain slowed down as it went
-- (a million queued jobs drained at half the rate of twenty thousand). This variant takes, in claim
-- order: due jobs of a higher priority than the previous claim's last job (from the head, which
-- that priority's own claims have not filled with dead entries); then jobs of the same priority
-- after that job; then jobs of a lower priority. A job that lands before that position with the
-- same priority (a runAt in the past, another process's clock) is found by the full claim
-- (stagecoach_claim_due), which the store makes at least once a second and whenever this one comes
-- back short.
CREATE FUNCTION stagecoach_claim_due_after(claim_at timestamptz, claim_limit integer, runner text,
                                           lease_until timestamptz, after_priority integer,
                                           after_run_at timestamptz, after_id uuid)
RETURNS SETOF stagecoach_jobs
LANGUAGE plpgsql
SET enable_sort = off
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
    started_at = claim_at,
    lease_owner = runner,
    lease_expires_at = lease_until,
    version = job.version + 1,
    updated_at = claim_at
  WHERE job.id = ANY(due)
  RETURNING job.*;
END
$$;
