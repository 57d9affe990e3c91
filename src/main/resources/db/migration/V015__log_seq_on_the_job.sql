-- A job's last log seq moves from its counter row onto its own row. A batch of ends updates each
-- job's row anyway, so numbering its lines there costs nothing more, where the counter row was an
-- insert (or an update) of its own for every job that logs, with its index entry: three WAL records
-- a job in a drain. A log append alone updates the job's row (JobQueries.WRITE_BATCH), which also
-- finds a job that does not exist and keeps the row from being pruned under the new lines.
ALTER TABLE stagecoach_jobs ADD COLUMN log_seq bigint NOT NULL DEFAULT 0;
UPDATE stagecoach_jobs AS job SET log_seq = counter.last_seq
FROM stagecoach_job_log_counters AS counter
WHERE counter.job_id = job.id;
DROP TABLE stagecoach_job_log_counters;
