-- The claim after a position (V012, a runner's usual claim) plans its statements once per
-- connection. They all take parameters, so PL/pgSQL planned each one afresh on every call (with an
-- unknown LIMIT the generic plan never looked cheaper than a custom one): a claim that found
-- nothing cost 0.28 ms, 0.09 ms with its plans kept; a claim of 32 jobs 1.12-1.51 ms, 0.89-0.97 ms
-- (pgbench, one client, 70,000 queued jobs). Its one order comes from the claim index alone: with
-- sorting switched off, incremental sorting must be too, or the generic plan of the same-priority
-- part walked the next-run index and sorted each run_at's jobs by id, passing over other
-- priorities. The full claim (V008) keeps its custom plans: its generic plan, guessing a LIMIT of
-- 10% of the queue, joined the claimed ids to the job table by reading all of it (19 ms for 70,000
-- jobs); it runs at most once a second and when a claim after a position comes back short.
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET enable_incremental_sort = off;
