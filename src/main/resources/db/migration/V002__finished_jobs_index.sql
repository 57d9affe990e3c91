-- Retention: pruneFinished walks finished jobs oldest first.
CREATE INDEX stagecoach_jobs_finished ON stagecoach_jobs (finished_at)
  WHERE status IN ('succeeded', 'failed', 'cancelled');
