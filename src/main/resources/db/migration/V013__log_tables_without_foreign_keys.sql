-- The log tables lose their foreign keys. Each one checked every log line and counter row written
-- with a trigger that locks the referenced row (SELECT ... FOR KEY SHARE), a heap write of its own:
-- about 5% of PostgreSQL's time in a drain, whose every job writes a line ("attempt 1 of 3
-- started"); without them a PostgreSQL drain ran ~12% faster (three pairs of 100,000-job drains).
-- What they guarded is done by the statements now: pruning deletes a job's counter and lines with
-- it (JobQueries.PRUNE_FINISHED), and lines are appended only to jobs that exist (a batch writes
-- lines only for the jobs it updates; appendLogs looks the job up first).
ALTER TABLE stagecoach_job_logs DROP CONSTRAINT stagecoach_job_logs_job_id_fkey;
ALTER TABLE stagecoach_job_log_counters DROP CONSTRAINT stagecoach_job_log_counters_job_id_fkey;
