#!/usr/bin/env node
// pg-boss (PostgreSQL) on Stagecoach's drain and latency workloads. See README.md.
import { PgBoss } from 'pg-boss';
import {
  Counter, PG_URI, Waiters, listenDone, withPool, drainLine, main, measureLatency, now, parseArgs, pollUntil, progress,
} from './lib.mjs';

const SYSTEM = 'pg-boss-postgres';
const SCHEMA = 'peers_pgboss';
const QUEUE = 'peers-noop';
const options = parseArgs();

// One worker fetching C (32) jobs at a time, woken by LISTEN/NOTIFY. burstWhenBatchFull: after a full
// batch the worker fetches again at once; without it a worker waits out its polling interval after
// every batch (notifyPollingIntervalSeconds, 30 s, on a notify queue) unless a NOTIFY arrives, and no
// NOTIFY arrives during a drain, whose jobs were all inserted before the worker started.
const workOptions = { batchSize: options.concurrency, burstWhenBatchFull: true, localConcurrency: 1 };

async function startBoss(pool) {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  const boss = new PgBoss({ connectionString: PG_URI, schema: SCHEMA, useListenNotify: true });
  boss.on('error', (err) => progress(`pg-boss error: ${err?.message ?? err}`));
  boss.on('warning', (w) => progress(`pg-boss warning: ${w?.message ?? JSON.stringify(w)}`));
  await boss.start();
  await boss.createQueue(QUEUE, { notify: true });
  return boss;
}

function drain(n) {
  return withPool(SCHEMA, async (pool) => {
    const boss = await startBoss(pool);
    try {
      const jobs = Array.from({ length: n }, () => ({ data: {} }));
      const t0 = now();
      await boss.insert(QUEUE, jobs);
      const enqueueSeconds = (now() - t0) / 1000;
      progress(`  enqueued in ${enqueueSeconds.toFixed(2)} s; draining`);
      const handled = new Counter();
      let batches = 0;
      const allHandled = handled.until(n);
      const t1 = now();
      // pg-boss completes a batch once its handler has returned, and emits no event when it has.
      await boss.work(QUEUE, workOptions, async (batch) => { batches++; handled.add(batch.length); });
      await allHandled;
      // ... so the drain ends when no job of the queue is left unfinished.
      await pollUntil(async () => (await pool.query(
        `SELECT count(*)::int AS c FROM ${SCHEMA}.job WHERE name = $1 AND state < 'completed'`, [QUEUE],
      )).rows[0].c === 0, 10);
      const seconds = (now() - t1) / 1000;
      progress(`  ${batches} batches handled`);
      return drainLine(SYSTEM, n, options.concurrency, seconds, enqueueSeconds);
    } finally {
      await boss.stop({ graceful: true, close: true });
    }
  });
}

/**
 * --until committed: a trigger NOTIFYs the id of each job whose state becomes 'completed', and the
 * waiters hear it over LISTEN once the completion is committed.
 */
async function listenForCompletions(pool, waiters) {
  await pool.query(`
    CREATE FUNCTION ${SCHEMA}.peers_notify_completed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('peers_done', NEW.id::text); RETURN NULL; END $$;
    CREATE TRIGGER peers_notify_completed AFTER UPDATE ON ${SCHEMA}.job
      FOR EACH ROW WHEN (NEW.state = 'completed' AND OLD.state <> 'completed')
      EXECUTE FUNCTION ${SCHEMA}.peers_notify_completed();`);
  return listenDone(waiters);
}

function latency() {
  return withPool(SCHEMA, async (pool) => {
    const boss = await startBoss(pool);
    const waiters = new Waiters();
    let listener;
    try {
      let handler = async () => {};
      if (options.until === 'committed') {
        listener = await listenForCompletions(pool, waiters);
      } else {
        handler = async (batch) => { for (const job of batch) waiters.done(job.id); };
      }
      await boss.work(QUEUE, workOptions, handler);
      return await measureLatency(SYSTEM, options.samples, options.until, async () => {
        const id = await boss.send(QUEUE, {});
        await waiters.wait(id);
      });
    } finally {
      await boss.stop({ graceful: true, close: true });
      await listener?.end();
    }
  });
}

await main(options, { drain, latency });
