-- A claim plans its statements once per connection. Every statement in the claim functions takes
-- parameters, so PL/pgSQL planned each one afresh for each call (the generic plan's estimate, with
-- an unknown LIMIT, never looked cheaper than a custom one): a claim that found nothing cost
-- 0.28 ms, 0.09 ms with its plans kept; a claim of 32 jobs 1.18-1.51 ms, 0.95 ms (pgbench, one
-- client). The one order the claim needs comes from the claim index alone: with sorting switched
-- off, incremental sorting is too, or the generic plan of a claim after a position walked the
-- next-run index, sorting each run_at's jobs by id, and passed over other priorities' jobs.
ALTER FUNCTION stagecoach_claim_due(timestamptz, integer, text, timestamptz)
  SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stagecoach_claim_due(timestamptz, integer, text, timestamptz)
  SET enable_incremental_sort = off;
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET enable_incremental_sort = off;
