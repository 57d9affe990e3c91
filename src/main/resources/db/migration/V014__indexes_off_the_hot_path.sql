-- The job table keeps only the indexes that claiming, leases, idempotency and the plain tenant list
-- need. A claim and an end each write a new row version (the status changes, so the update cannot
-- be HOT), and a new version enters every index whose predicate it meets: each of the four dropped
-- here cost every job two entries (one for the finished index). Measured on 100,000-job drains
-- (three warm-up drains of 20,000 included): PostgreSQL's CPU 12.7-14.7 s -> 8.3-8.9 s, the drain
-- +20%; keeping any one of them (even a partial finished_at index, or a BRIN one) cost 1-2.5 s back.
-- What they served: a list filtered by status or type now walks the tenant's jobs newest first
-- (stagecoach_jobs_tenant_id) or, across tenants, the primary key, skipping the rest; pruning walks
-- the oldest jobs (stagecoach_prune_candidates below).
DROP INDEX stagecoach_jobs_tenant_status_id;
DROP INDEX stagecoach_jobs_status_id;
DROP INDEX stagecoach_jobs_type_id;
DROP INDEX stagecoach_jobs_finished;

-- Except for the statuses few jobs end in, which a walk would pass many jobs to find (a page of
-- failed jobs, one in 10,000 of a million: 171 ms walking, 0.6 ms with these). A row version enters
-- them only in such a status, so a job that succeeds never pays for them.
CREATE INDEX stagecoach_jobs_tenant_unsuccessful ON stagecoach_jobs (tenant, status, id)
  WHERE status IN ('failed', 'cancelled');
CREATE INDEX stagecoach_jobs_unsuccessful ON stagecoach_jobs (status, id)
  WHERE status IN ('failed', 'cancelled');

-- Up to prune_limit jobs that finished before finished_before, oldest first. Ids are UUIDv7, so id
-- order is creation order and the jobs created before the cut-off come first: the walk stops at
-- the first job created after it (none after it can have finished before it), passing over the
-- old jobs that are still queued or running. Read only: JobQueries.PRUNE_FINISHED locks and checks
-- each candidate again before deleting it.
CREATE FUNCTION stagecoach_prune_candidates(finished_before timestamptz, prune_limit integer)
RETURNS SETOF uuid
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
  job record;
  found integer := 0;
BEGIN
  FOR job IN SELECT id, created_at, status, finished_at FROM stagecoach_jobs ORDER BY id LOOP
    EXIT WHEN job.created_at >= finished_before OR found >= prune_limit;
    IF job.status IN ('succeeded', 'failed', 'cancelled') AND job.finished_at < finished_before THEN
      found := found + 1;
      RETURN NEXT job.id;
    END IF;
  END LOOP;
END
$$;
