#!/usr/bin/env node
// graphile-worker (PostgreSQL) on Stagecoach's drain and latency workloads. See README.md.
import { EventEmitter } from 'node:events';
import {
  Counter, PG_URI, Waiters, listenDone, withPool, drainLine, main, measureLatency, now, parseArgs, pollUntil, progress,
} from './lib.mjs';

// graphile-worker logs a line per successful job unless NO_LOG_SUCCESS is set, and reads it when
// its modules load: set it first, then import (the documented way to silence per-job logging).
process.env.NO_LOG_SUCCESS = '1';
const { Logger, makeWorkerUtils, run, runMigrations } = await import('graphile-worker');

const SYSTEM = 'graphile-worker-postgres';
const SCHEMA = 'peers_graphile';
const options = parseArgs();

// Warnings and errors only, to stderr.
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') progress(`graphile-worker ${level}: ${message}`);
});

// The throughput settings of graphile-worker's performance page (worker.graphile.org/docs/performance):
// a local queue of 500 and batched completion (completeJobBatchDelay / failJobBatchDelay >= 0).
const workerPreset = (events) => ({
  worker: {
    connectionString: PG_URI,
    schema: SCHEMA,
    concurrentJobs: options.concurrency,
    // The performance page's configuration sizes the pool at concurrency + 1 (and graphile-worker
    // warns when the pool is smaller than the concurrency).
    maxPoolSize: options.concurrency + 1,
    localQueue: { size: 500 },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
    logger,
    events,
  },
});

const taskList = { noop: async () => {} };

function startRunner(events) {
  return run({ taskList, crontab: '', noHandleSignals: true, preset: workerPreset(events) });
}

/** Drops the schema and installs graphile-worker's afresh. */
async function freshSchema(pool) {
  await pool.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
  await runMigrations({ connectionString: PG_URI, schema: SCHEMA, logger });
}

function drain(n) {
  return withPool(SCHEMA, async (pool) => {
    await freshSchema(pool);
    const utils = await makeWorkerUtils({ connectionString: PG_URI, schema: SCHEMA, logger });
    let runner;
    try {
      const specs = Array.from({ length: n }, () => ({ identifier: 'noop', payload: {} }));
      const t0 = now();
      await utils.addJobs(specs);
      const enqueueSeconds = (now() - t0) / 1000;
      progress(`  enqueued in ${enqueueSeconds.toFixed(2)} s; draining`);
      const events = new EventEmitter();
      const handled = new Counter();
      let fetches = 0;
      // 'job:complete' is emitted when the handler has returned and its completion has been handed to
      // the batcher, not once it is written: with batched completion the job's row is deleted later.
      events.on('job:complete', () => handled.add());
      events.on('localQueue:getJobs:complete', () => fetches++);
      const allHandled = handled.until(n);
      const t1 = now();
      runner = await startRunner(events);
      await allHandled;
      // ... so the drain ends when the last row is gone.
      await pollUntil(async () => (await pool.query(`SELECT count(*)::int AS c FROM ${SCHEMA}._private_jobs`)).rows[0].c === 0, 10);
      const seconds = (now() - t1) / 1000;
      progress(`  ${fetches} local-queue fetches`);
      return drainLine(SYSTEM, n, options.concurrency, seconds, enqueueSeconds);
    } finally {
      await runner?.stop();
      await utils.release();
    }
  });
}

/**
 * --until committed: a trigger NOTIFYs each deleted job row's id (graphile-worker deletes a job's
 * row when it stores its completion), and the waiters hear it over LISTEN once it is committed.
 */
async function listenForDeletes(pool, waiters) {
  await pool.query(`
    CREATE FUNCTION ${SCHEMA}.peers_notify_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('peers_done', OLD.id::text); RETURN NULL; END $$;
    CREATE TRIGGER peers_notify_deleted AFTER DELETE ON ${SCHEMA}._private_jobs
      FOR EACH ROW EXECUTE FUNCTION ${SCHEMA}.peers_notify_deleted();`);
  return listenDone(waiters);
}

function latency() {
  return withPool(SCHEMA, async (pool) => {
    await freshSchema(pool);
    const waiters = new Waiters();
    const events = new EventEmitter();
    let listener;
    if (options.until === 'committed') {
      listener = await listenForDeletes(pool, waiters);
    } else {
      events.on('job:complete', ({ job }) => waiters.done(job.id));
    }
    const utils = await makeWorkerUtils({ connectionString: PG_URI, schema: SCHEMA, logger });
    const runner = await startRunner(events);
    try {
      return await measureLatency(SYSTEM, options.samples, options.until, async () => {
        const job = await utils.addJob('noop', {});
        await waiters.wait(job.id);
      });
    } finally {
      await runner.stop();
      await utils.release();
      await listener?.end();
    }
  });
}

await main(options, { drain, latency });
