-- The claim after a position (V012, a runner's usual claim) plans its statements once per
-- connection. They all take parameters, so PL/pgSQL planned each one afresh on every call (with an
-- unknown LIMIT the generic plan never looked cheaper than a custom one): a claim that found
-- nothing cost 0.28 ms, 0.09 ms with its plans kept; a claim of 32 jobs 1.12-1.51 ms, 0.89-0.97 ms
-- (pgbench, one client, 70,000 queued jobs). A plan kept must not depend on the table's size when
-- it was made: every statement here has an index to use (the claim index, the primary key), and
-- sequential scans are switched off so that a plan made on an empty table uses them too (one made
-- with them on updated the claimed jobs by reading the whole table: 43 ms per claim once 200,000
-- jobs had arrived, until the table was next analyzed). The one order comes from the claim index
-- alone: with sorting off, incremental sorting must be too, or the same-priority part walked the
-- next-run index and sorted each run_at's jobs by id, passing over other priorities.
-- The full claim (V008) keeps its custom plans: it runs at most once a second and when a claim
-- after a position comes back short.
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET enable_incremental_sort = off;
ALTER FUNCTION stagecoach_claim_due_after(timestamptz, integer, text, timestamptz, integer, timestamptz, uuid)
  SET enable_seqscan = off;
