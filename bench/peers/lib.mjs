// Shared by the peer scripts: options, the two workloads' bookkeeping, output.
// Mirrors src/main/java/io/stagecoach/bench/Bench.java (same defaults, same warm-up, same
// nearest-rank percentiles, same rounding) so that the lines compare one to one.

import pg from 'pg';

export const WARM_UP_SAMPLES = 50;
export const WARM_UP_JOBS = 20000;
export const WARM_UP_DRAINS = 3;

export const PG_URI = process.env.PEERS_PG_URI ?? 'postgresql://postgres@127.0.0.1:5432/peers_bench';
export const REDIS_URL = process.env.PEERS_REDIS_URL ?? 'redis://127.0.0.1:6379/5';

/** --workload drain|latency|all --jobs N --concurrency C --samples M --warm-up S [--until event|committed] */
export function parseArgs(argv = process.argv.slice(2), extra = {}) {
  const options = { workload: 'all', jobs: 20000, concurrency: 32, samples: 500, warmUp: 10, until: 'event', ...extra };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--workload': options.workload = value(); break;
      case '--jobs': options.jobs = positiveInt(flag, value()); break;
      case '--concurrency': options.concurrency = positiveInt(flag, value()); break;
      case '--samples': options.samples = positiveInt(flag, value()); break;
      case '--until': options.until = value(); break;
      case '--warm-up': options.warmUp = nonNegativeInt(flag, value()); break;
      case '-h': case '--help':
        process.stderr.write('options: --workload drain|latency|all --jobs N (20000) --concurrency C (32) '
          + '--samples M (500) --warm-up S (10) [--until event|committed (PostgreSQL peers, latency only)]\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  if (!['drain', 'latency', 'all'].includes(options.workload)) {
    throw new Error(`--workload must be drain, latency or all, not ${options.workload}`);
  }
  if (!['event', 'committed'].includes(options.until)) {
    throw new Error(`--until must be event or committed, not ${options.until}`);
  }
  return options;
}

function nonNegativeInt(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs 0 or a positive integer, not ${text}`);
  return n;
}

function positiveInt(flag, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, not ${text}`);
  return n;
}

export function progress(message) {
  process.stderr.write(message + '\n');
}

/** Prints one result line on stdout (the only thing a script prints there). */
export function emit(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

export const now = () => performance.now();

export function round(value, digits) {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Nearest rank on sorted samples, as Bench.percentile. */
export function percentile(sorted, p) {
  const index = Math.ceil(p * sorted.length) - 1;
  return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
}

export function drainLine(system, n, concurrency, seconds, enqueueSeconds) {
  return {
    system, workload: 'drain', n, concurrency,
    seconds: round(seconds, 3),
    jobs_per_s: Math.round(n / seconds),
    enqueue_per_s: Math.round(n / enqueueSeconds),
  };
}

export function latencyLine(system, msSamples, until) {
  const sorted = Float64Array.from(msSamples).sort();
  const line = {
    system, workload: 'latency', m: sorted.length,
    p50_ms: round(percentile(sorted, 0.50), 3),
    p99_ms: round(percentile(sorted, 0.99), 3),
  };
  if (until && until !== 'event') line.until = until;
  return line;
}

/**
 * Completion signals keyed by job id that tolerate the signal arriving before anyone waits for
 * it (a worker can finish a job before the add call that created it has returned its id).
 */
export class Waiters {
  #waiting = new Map();
  #early = new Set();

  wait(id) {
    id = String(id);
    if (this.#early.delete(id)) return Promise.resolve();
    return new Promise((resolve) => this.#waiting.set(id, resolve));
  }

  done(id) {
    id = String(id);
    const resolve = this.#waiting.get(id);
    if (resolve) {
      this.#waiting.delete(id);
      resolve();
    } else {
      this.#early.add(id);
    }
  }
}

/** A promise resolved once count() has been called `target` times (or more). */
export class Counter {
  count = 0;
  #target = Infinity;
  #resolve = null;

  until(target) {
    this.#target = target;
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#check();
    });
  }

  add(k = 1) {
    this.count += k;
    this.#check();
  }

  #check() {
    if (this.#resolve && this.count >= this.#target) {
      const resolve = this.#resolve;
      this.#resolve = null;
      resolve();
    }
  }
}

/** Runs fn with a small pool of our own; drops the engine's schema afterwards, as Bench does. */
export async function withPool(schema, fn) {
  const pool = new pg.Pool({ connectionString: PG_URI, max: 2 });
  try {
    return await fn(pool);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch((err) => progress(`drop schema: ${err}`));
    await pool.end();
  }
}

/** A connection that LISTENs on peers_done and settles the waiter of each job id notified there. */
export async function listenDone(waiters) {
  const client = new pg.Client({ connectionString: PG_URI });
  await client.connect();
  client.on('notification', (msg) => waiters.done(msg.payload));
  await client.query('LISTEN peers_done');
  return client;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it answers true. */
export async function pollUntil(check, everyMs = 10) {
  while (!(await check())) await sleep(everyMs);
}

/**
 * Times `submitAndWait` WARM_UP_SAMPLES times untimed, then `samples` times; a latency line.
 */
export async function measureLatency(system, samples, until, submitAndWait) {
  progress(`latency: ${samples} samples after ${WARM_UP_SAMPLES} warm-up`);
  const ms = [];
  for (let i = -WARM_UP_SAMPLES; i < samples; i++) {
    const t0 = now();
    await submitAndWait();
    if (i >= 0) ms.push(now() - t0);
  }
  return latencyLine(system, ms, until);
}

/**
 * Runs the selected workloads after the warm-up the JVM bench makes for its JIT, the same for
 * both: untimed drains of min(20000, N) jobs, at least three and for at least --warm-up seconds.
 * `drain(n)` and `latency()` answer result lines; only the timed ones are printed. Exits the
 * process once done, with a warning if something the engine left open would otherwise have kept
 * it alive.
 */
export async function main(options, { drain, latency }) {
  let status = 0;
  try {
    const warm = Math.min(WARM_UP_JOBS, options.jobs);
    progress(`warm-up: untimed drains of ${warm} jobs, at least ${WARM_UP_DRAINS} and for at least ${options.warmUp} s`);
    const until = now() + options.warmUp * 1000;
    for (let i = 0; i < WARM_UP_DRAINS || now() < until; i++) {
      const w = await drain(warm);
      progress(`  warm-up drained at ${w.jobs_per_s} jobs/s`);
    }
    if (options.workload === 'drain' || options.workload === 'all') {
      progress(`drain: n=${options.jobs} concurrency=${options.concurrency}`);
      emit(await drain(options.jobs));
    }
    if (options.workload === 'latency' || options.workload === 'all') {
      emit(await latency());
    }
  } catch (err) {
    status = 1;
    progress(`failed: ${err?.stack ?? err}`);
  }
  // Everything should be closed by now; if a handle lingers, say so and exit anyway.
  setTimeout(() => {
    progress('warning: handles still open 5 s after closing; exiting anyway');
    process.exit(status);
  }, 5000).unref();
  process.exitCode = status;
}
