#!/usr/bin/env node
// BullMQ (Redis) on Stagecoach's drain and latency workloads. See README.md.
import { Queue, Worker } from 'bullmq';
import {
  Counter, REDIS_URL, Waiters, drainLine, main, measureLatency, now, parseArgs, progress,
} from './lib.mjs';

const SYSTEM = 'bullmq-redis';
const QUEUE = 'peers-noop';
const PREFIX = 'peers';
const options = parseArgs();
if (options.until !== 'event') progress('--until: BullMQ\'s completed event already follows its write; ignored');
// BullMQ requires maxRetriesPerRequest: null on the connections its workers block on.
const connection = { url: REDIS_URL, maxRetriesPerRequest: null };
const noop = async () => {};

/** A queue emptied of everything a previous run left (waiting, completed, events, meta). */
async function freshQueue() {
  const queue = new Queue(QUEUE, { connection, prefix: PREFIX });
  await queue.waitUntilReady();
  await queue.obliterate({ force: true });
  return queue;
}

async function drain(n) {
  const queue = await freshQueue();
  let worker;
  try {
    const jobs = Array.from({ length: n }, () => ({ name: 'noop', data: {} }));
    const t0 = now();
    await queue.addBulk(jobs);
    const enqueueSeconds = (now() - t0) / 1000;
    progress(`  enqueued in ${enqueueSeconds.toFixed(2)} s; draining`);
    const completed = new Counter();
    const done = completed.until(n);
    const t1 = now();
    worker = new Worker(QUEUE, noop, { connection, prefix: PREFIX, concurrency: options.concurrency });
    // 'completed' is emitted once moveToFinished has stored the job as completed in Redis.
    worker.on('completed', () => completed.add());
    worker.on('error', (err) => progress(`worker error: ${err}`));
    await done;
    const seconds = (now() - t1) / 1000;
    return drainLine(SYSTEM, n, options.concurrency, seconds, enqueueSeconds);
  } finally {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

async function latency() {
  const queue = await freshQueue();
  const waiters = new Waiters();
  const worker = new Worker(QUEUE, noop, { connection, prefix: PREFIX, concurrency: options.concurrency });
  worker.on('completed', (job) => waiters.done(job.id));
  worker.on('error', (err) => progress(`worker error: ${err}`));
  try {
    await worker.waitUntilReady();
    return await measureLatency(SYSTEM, options.samples, 'event', async () => {
      const job = await queue.add('noop', {});
      await waiters.wait(job.id);
    });
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

await main(options, { drain, latency });
