-- A job's dropped log lines are counted as its last seq less the lines it still has
-- (JobQueries.LOG_PAGE), so that appending lines is one statement (JobQueries.WRITE_BATCH) that
-- needs no second update of the counter row. Lines leave only by the cap or with their job, so
-- the two counts agree.
ALTER TABLE stagecoach_job_log_counters DROP COLUMN dropped;
