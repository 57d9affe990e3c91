-- The labels index holds only jobs that have labels. A GIN index enters even an empty object (as a
-- placeholder), so every job paid for it on each of its writes (insert, claim, end) though most jobs
-- carry no labels. A label filter (JobQueries.LIST) also says labels <> '{}', which its own
-- containment implies, so that the planner may use this partial index.
DROP INDEX stagecoach_jobs_labels;
CREATE INDEX stagecoach_jobs_labels ON stagecoach_jobs USING gin (labels jsonb_path_ops)
  WHERE labels <> '{}'::jsonb;
