#!/usr/bin/env bash
# Runs each peer's drain and latency workloads 3 times, each run in a fresh node process, and prints
# every result line (one JSON object per line) on stdout; progress goes to stderr.
# Extra arguments go to every run, e.g. ./run-all.sh --jobs 2000 --samples 50 for a quick check.
# RUNS=N changes the number of runs; PEERS="bullmq graphile" picks peers.
set -uo pipefail
cd "$(dirname "$0")"
runs="${RUNS:-3}"
peers="${PEERS:-bullmq graphile pgboss}"
status=0
for peer in $peers; do
  for workload in drain latency; do
    for ((i = 1; i <= runs; i++)); do
      echo "== $peer $workload, run $i of $runs" >&2
      node "$peer.mjs" --workload "$workload" "$@" || { echo "!! $peer $workload run $i failed" >&2; status=1; }
    done
  done
done
exit "$status"
