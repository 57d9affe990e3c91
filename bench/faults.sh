#!/usr/bin/env bash
# A fault run against real processes, for the README's Failure model: two engines share
# PostgreSQL and a redis-server of this run's own; jobs with and without a lock are drained while
# faults are injected: each engine killed with SIGKILL and started again, Redis killed and started
# again without its data, and (PG_RESTART=1, not while anything else uses this PostgreSQL)
# PostgreSQL restarted. Then it counts, from the database: jobs lost, how attempts were spent, and
# whether a lock was ever held by two jobs at once. One JSON line on stdout; progress on stderr.
# Needs target/stagecoach.jar (mvn -q -DskipTests package), PostgreSQL, redis-server, curl, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/stagecoach.jar
jobs=${JOBS:-3000}
locked=${LOCKED:-30}
db=${FAULTS_DB:-stagecoach_faults}
redis_port=${FAULTS_REDIS_PORT:-6391}
ports=(8091 8092)
work=$(mktemp -d)
psql_() { psql -h 127.0.0.1 -U postgres -d "$db" -qAtX "$@"; }
log() { echo "[faults $(date +%T)] $*" >&2; }

engine_pids=()
cleanup() {
  for pid in "${engine_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -f "$work/redis.pid" ] && kill -9 "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_redis() {
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$work/redis.pid" --logfile "$work/redis.log"
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.05; done
}

start_engine() { # index
  STAGECOACH_HTTP_PORT=${ports[$1]} STAGECOACH_JWT_SECRET=$secret \
    java -jar "$jar" --conf "$work/config.json" >>"$work/engine-$1.log" 2>&1 &
  engine_pids[$1]=$!
  until curl -sf "http://127.0.0.1:${ports[$1]}/health/live" >/dev/null; do sleep 0.1; done
}

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() {
  local header payload
  header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
  payload=$(printf '{"sub":"faults","tenant":"default","roles":["operator"],"exp":%d}' $(( $(date +%s) + 3600 )) | b64url)
  printf '%s.%s.%s' "$header" "$payload" \
    "$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$secret" -binary | b64url)"
}

submit_batch() { # count, locked?
  local body
  body=$(python3 -c '
import json, sys
n, locked = int(sys.argv[1]), sys.argv[2] == "1"
# A locked job holds its lock past a renewal (every third of the 3 s TTL), so a fault can take it.
job = {"type": "demo.sleep", "maxAttempts": 5, "input": {"ms": 1500 if locked else 200, "steps": 3}}
if locked:
    job["lock"] = {"key": "faults:shared", "onBusy": "wait"}
    job["priority"] = 10  # ahead of the others whenever due
print(json.dumps({"jobs": [job] * n}))' "$1" "$2")
  curl -sf -o /dev/null -X POST -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data "$body" "http://127.0.0.1:${ports[0]}/api/v1/jobs/batch"
}

secret=$(openssl rand -hex 32)
psql -h 127.0.0.1 -U postgres -qAtX -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
cat >"$work/config.json" <<EOF
{
  "http": {"host": "127.0.0.1"},
  "store": {"kind": "postgres", "pgUri": "postgresql://postgres@127.0.0.1:5432/$db"},
  "locks": {"backend": "redis", "redisUri": "redis://127.0.0.1:$redis_port", "ttlMs": 3000},
  "runner": {"concurrency": 16, "leaseTtlMs": 3000, "lockWaitRecheckMs": 500, "pollIntervalMs": 1000,
             "backoffBaseMs": 100, "backoffMaxMs": 1000},
  "demoTypes": true
}
EOF
start_redis
start_engine 0
start_engine 1
tok=$(token)

log "submitting $jobs jobs and $locked on one lock key"
# The locked ones first and ahead, so that they run (one at a time) while the faults come.
submit_batch "$locked" 1
for ((done_ = 0; done_ < jobs; done_ += 500)); do submit_batch $(( jobs - done_ < 500 ? jobs - done_ : 500 )) 0; done
t0=$(date +%s)

sleep 3; log "SIGKILL engine 0";  kill -9 "${engine_pids[0]}"
sleep 2; log "engine 0 again";    start_engine 0
sleep 2; log "SIGKILL Redis, started again empty"; kill -9 "$(cat "$work/redis.pid")"; rm -f "$work/redis.pid"; start_redis
if [ "${PG_RESTART:-0}" = 1 ]; then
  sleep 2; log "PostgreSQL restarted"; pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main restart
fi
sleep 3; log "SIGKILL engine 1";  kill -9 "${engine_pids[1]}"
sleep 2; log "engine 1 again";    start_engine 1

deadline=$(( $(date +%s) + 600 ))
while [ "$(psql_ -c "SELECT count(*) FROM stagecoach_jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')")" != 0 ]; do
  [ "$(date +%s)" -gt "$deadline" ] && { log "jobs still unfinished after 600 s"; break; }
  sleep 1
done
log "drained $(( jobs + locked )) jobs in $(( $(date +%s) - t0 )) s"

psql_ <<'SQL'
WITH locked AS (
  SELECT started_at AS at, 1 AS d FROM stagecoach_jobs WHERE lock_spec IS NOT NULL AND status = 'succeeded'
  UNION ALL
  SELECT finished_at, -1 FROM stagecoach_jobs WHERE lock_spec IS NOT NULL AND status = 'succeeded'
),
inside AS (SELECT sum(d) OVER (ORDER BY at, d ROWS UNBOUNDED PRECEDING) AS n FROM locked),
lines AS (SELECT job_id, message FROM stagecoach_job_logs)
SELECT json_build_object(
  'jobs', (SELECT count(*) FROM stagecoach_jobs),
  'succeeded', (SELECT count(*) FROM stagecoach_jobs WHERE status = 'succeeded'),
  'failed', (SELECT count(*) FROM stagecoach_jobs WHERE status = 'failed'),
  'unfinished', (SELECT count(*) FROM stagecoach_jobs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')),
  'attempts', (SELECT json_object_agg(attempt, n) FROM (SELECT attempt, count(*) AS n FROM stagecoach_jobs GROUP BY attempt) a),
  'leaseExpired', (SELECT count(*) FROM lines WHERE message LIKE 'lease of attempt % expired%'),
  'claimsGivenBack', (SELECT count(*) FROM lines WHERE message LIKE '%stopped before it started%'),
  'lockLost', (SELECT count(*) FROM lines WHERE message LIKE '%failed: lock_lost%'),
  'lockWaitsUnavailable', (SELECT count(*) FROM lines WHERE message LIKE 'lock manager unavailable%'),
  'attemptStartedTwice', (SELECT count(*) FROM (SELECT 1 FROM lines WHERE message LIKE 'attempt % started'
                                                GROUP BY job_id, message HAVING count(*) > 1) t),
  'maxInsideLock', (SELECT coalesce(max(n), 0) FROM inside));
SQL
